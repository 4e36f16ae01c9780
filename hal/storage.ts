// The HAL's storage: durable key/value files and append-only record logs over the host's
// file members. A module of its own so that a bundle whose code never names `hal.storage`
// is built without it (build/hal-members.mjs).
import { HostABI } from './host-abi';

/** Durable key/value storage and append-only record logs over the host's files. */
export interface Storage {
  get(key: string): string | null;
  /** Atomic, durable replace. */
  set(key: string, value: string): void;
  remove(key: string): void;
  /** Appends one record (a line; must not contain "\n") durably. */
  append(log: string, record: string): void;
  /** All complete records of a log, oldest first (a torn last line is dropped). */
  records(log: string): string[];
}

const FILE_NAME = /^[A-Za-z0-9._-]+$/;

function checkName(name: string): string {
  if (!FILE_NAME.test(name)) throw new Error('bad storage name: ' + name);
  return name;
}

/** The HAL's Storage over `host`'s files. */
export function storageOf(host: HostABI): Storage {
  return {
    get: (key) => host.fileRead(checkName(key)),
    set: (key, value) => {
      if (!host.fileWrite(checkName(key), value)) throw new Error('storage write failed: ' + key);
    },
    remove: (key) => {
      host.fileRemove(checkName(key));
    },
    append: (name, record) => {
      if (record.indexOf('\n') >= 0) throw new Error('record contains a newline');
      if (!host.fileAppend(checkName(name), record + '\n')) throw new Error('storage append failed: ' + name);
    },
    records: (name) => {
      const text = host.fileRead(checkName(name));
      if (!text) return [];
      const lines = text.split('\n');
      lines.pop(); // after the last "\n": empty, or a record torn by power loss
      return lines;
    },
  };
}
