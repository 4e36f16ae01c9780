// A station's files (the host ABI's fileRead / fileWrite / fileAppend / fileRemove) in one
// folder: <data dir>/<station id>/. Writes are atomic and durable, because the bundle
// keeps its transaction queue here and a charge point must not lose a StopTransaction to
// a power cut in the middle of a write.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Names the bundle may use: [A-Za-z0-9._-], not "." or "..". */
const FILE_NAME = /^[A-Za-z0-9._-]+$/;

/** Station ids become folder names; keep them to characters that are safe everywhere. */
export function folderNameOf(stationId) {
  return String(stationId).replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+$/, '_');
}

export class StationFiles {
  /** @param {string} dir the station's folder (created when missing) */
  constructor(dir) {
    this.dir = dir;
    mkdirSync(dir, { recursive: true });
  }

  /** Full path of a file the bundle named; throws on a name outside the ABI's alphabet. */
  pathOf(name) {
    if (typeof name !== 'string' || !FILE_NAME.test(name) || name === '.' || name === '..') {
      throw new TypeError(`bad file name ${JSON.stringify(name)}: use [A-Za-z0-9._-]`);
    }
    return join(this.dir, name);
  }

  /** @returns {string | null} */
  read(name) {
    try {
      return readFileSync(this.pathOf(name), 'utf8');
    } catch (err) {
      if (err.code === 'ENOENT') return null;
      throw err;
    }
  }

  /**
   * Atomic replace: write a temp file, fsync it, rename it over the old one, fsync the
   * folder so the rename itself is on disk. A reader sees the old or the new contents,
   * never a mix. The temp name ends in "~", which no bundle file name can contain.
   */
  write(name, data) {
    const path = this.pathOf(name);
    const temp = path + '~';
    writeDurably(temp, data, 'w');
    renameSync(temp, path);
    this.#syncFolder();
    return true;
  }

  /** Durable append: write, fsync (and fsync the folder when the file is new). */
  append(name, data) {
    const path = this.pathOf(name);
    const isNew = !existsSync(path);
    writeDurably(path, data, 'a');
    if (isNew) this.#syncFolder();
    return true;
  }

  /** @returns {boolean} true when the file existed */
  remove(name) {
    try {
      unlinkSync(this.pathOf(name));
    } catch (err) {
      if (err.code === 'ENOENT') return false;
      throw err;
    }
    this.#syncFolder();
    return true;
  }

  #syncFolder() {
    // Directory fsync makes a rename/create durable on Linux; some platforms refuse to
    // open a folder for it (Windows), where the rename is as durable as it gets.
    let fd;
    try {
      fd = openSync(this.dir, 'r');
      fsyncSync(fd);
    } catch {
      // not supported here
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }
}

function writeDurably(path, data, flags) {
  const fd = openSync(path, flags);
  try {
    const buf = Buffer.from(data, 'utf8');
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export { FILE_NAME };
