/**
 * Small state files of the local runtime under DATA_DIR (clock.json, demo-account.json,
 * load-account.json, their pending sign-ups): written whole or not at all. The text goes to a
 * sibling temporary file, reaches the disk (fsync), and is renamed over the target, so a kill
 * at any moment leaves either the previous file or the new one, never a torn one.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Replaces `file` with `text` atomically (temporary sibling, fsync, rename). */
export function writeStateFile(file: string, text: string, mode = 0o644): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(temporary, 'w', mode);
  try {
    fs.writeFileSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temporary, file);
}

/** `value` as indented JSON, written atomically. */
export function writeJsonState(file: string, value: unknown, mode = 0o644): void {
  writeStateFile(file, `${JSON.stringify(value, null, 2)}\n`, mode);
}

/** The parsed JSON in `file`; `undefined` when it does not exist or is not JSON. */
export function readJsonState<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}
