/**
 * JSON snapshot files for the in-memory emulators (SQS, SES, the Resend stand-in, the SMTP sink).
 * Written through state-file.ts (temporary file, fsync, rename), so a crash mid-write leaves the
 * previous snapshot intact.
 */
import { readFile } from 'node:fs/promises';
import { writeStateFileAsync } from '../state-file';

/** Reads and parses a snapshot; `undefined` when it does not exist yet (first start). */
export async function readJsonFile<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`Cannot read emulator snapshot ${path}: ${(error as Error).message}`, { cause: error });
  }
}

export interface Snapshotter {
  /** Writes the current state now (if it changed since the last write). */
  flush(): Promise<void>;
  /** Stops the periodic writes after a final flush. */
  stop(): Promise<void>;
}

/**
 * Writes `serialize()` to `path` every `intervalMs` when it changed. Writes never overlap:
 * a flush requested while one is running waits for it, then writes the newer state.
 */
export function startSnapshotter(
  path: string,
  serialize: () => string,
  intervalMs: number,
  log: (msg: string) => void,
  /** Called after a snapshot reached the disk (e.g. to drop journals it covers). */
  onWritten?: () => void,
): Snapshotter {
  let lastWritten: string | undefined;
  let running: Promise<void> = Promise.resolve();
  const flush = (): Promise<void> => {
    // A failed write must not poison the chain: the next flush tries again.
    running = running
      .catch(() => undefined)
      .then(async () => {
        const text = serialize();
        if (text === lastWritten) return;
        await writeStateFileAsync(path, text);
        lastWritten = text;
        onWritten?.();
      });
    return running;
  };
  const timer = setInterval(() => {
    flush().catch((error: Error) => log(`snapshot of ${path} failed: ${error.message}`));
  }, intervalMs);
  timer.unref();
  return {
    flush,
    async stop() {
      clearInterval(timer);
      await flush();
    },
  };
}
