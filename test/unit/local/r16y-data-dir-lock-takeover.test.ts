// Review round 16: this test failed at 8e2e45f.
/**
 * Defect: taking over a stale `emulators.lock` is not atomic, so two runtimes started at once on a
 * data directory a crashed runtime left behind BOTH get the lock (two emulator sets on one LevelDB:
 * dynalite's "Database is not open" crash, SQS/SES snapshots overwriting each other, two keys being
 * made for one directory).
 * Severity: MEDIUM (two `npm run dev` / test workers after a crash; the lock exists exactly to stop this).
 * Root cause: lib/local/emulators/data-dir-lock.ts:lockDataDir — after reading the stale owner's pid
 * it removes the lock by name (`rm(path)`) without checking that the file is still the stale one;
 * by then the other starter may have removed the stale lock and created its own, which is deleted,
 * and both starters then create/hold "the" lock.
 * Correct: exactly one of two concurrent starters gets the lock; the other fails with the
 * "in use" error (e.g. take over by renaming the stale file to a unique name and re-checking its
 * pid, or by linking a fresh lock over a checked inode, never `rm` by name after a check).
 *
 * The second starter is modelled in-process: its read of the stale lock is held (as a descheduled
 * process would be) until the first starter has taken the lock over. No timing is involved.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

const gate = vi.hoisted(() => ({ hold: undefined as Promise<void> | undefined, reads: 0 }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...actual,
    default: actual,
    readFile: async (...args: Parameters<typeof actual.readFile>) => {
      const text = await actual.readFile(...args);
      gate.reads += 1;
      const hold = gate.hold;
      gate.hold = undefined;
      if (hold) await hold;
      return text;
    },
  };
});

const { lockDataDir } = await import('../../../lib/local/emulators/data-dir-lock');

const made: string[] = [];
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

/** A pid that no process has now (a child that already exited). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('emulators.lock left by a crashed runtime', () => {
  it('lets only one of two starters racing to take it over hold it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'r16y-lock-'));
    made.push(dir);
    fs.writeFileSync(path.join(dir, 'emulators.lock'), String(deadPid()));

    // Starter B reads the stale pid, then is descheduled until A has taken the lock over.
    let release!: () => void;
    gate.hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    const b = lockDataDir(dir).then(
      (unlock) => ({ ok: true as const, unlock }),
      (error: Error) => ({ ok: false as const, error }),
    );
    await vi.waitFor(() => expect(gate.reads).toBe(1));
    const unlockA = await lockDataDir(dir); // A: reads the stale pid, removes it, creates its lock
    expect(fs.readFileSync(path.join(dir, 'emulators.lock'), 'utf8')).toBe(String(process.pid));
    release();
    const outcome = await b;
    if (outcome.ok) await outcome.unlock();
    await unlockA();
    // A holds the lock: B must be refused, not take it over as well.
    expect(outcome.ok, 'both starters were handed the data directory lock').toBe(false);
  });
});
