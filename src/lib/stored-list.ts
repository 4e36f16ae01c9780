// A list the station keeps in one storage file as JSON (charging profiles, reservations):
// read at boot — a damaged file gives an empty list with a warning rather than no boot —
// and written whole after each change; an empty list removes the file.
import { Storage, Logger } from '../../hal/index';

export function loadList<T>(storage: Storage, log: Logger, file: string, what: string): T[] {
  const text = storage.get(file);
  if (!text) return [];
  try {
    const stored = JSON.parse(text);
    if (Object.prototype.toString.call(stored) === '[object Array]') return stored;
  } catch (e) {
    // reported below
  }
  log.warning(what + ' unreadable (' + file + '): none kept');
  return [];
}

export function saveList<T>(storage: Storage, file: string, list: T[]): void {
  if (list.length) storage.set(file, JSON.stringify(list));
  else storage.remove(file);
}
