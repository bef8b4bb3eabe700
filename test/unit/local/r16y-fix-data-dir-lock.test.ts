// Review round 16: this test failed at 8e2e45f (lockDataDir removed a lock it had judged stale by
// name, so a live lock that had replaced the stale one in between was deleted and the data
// directory handed to a second runtime). A takeover moves the file aside and judges the file moved:
// another process's live lock is put back and the start refused; a stale one leaves nothing behind.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

const gate = vi.hoisted(() => ({ during: undefined as (() => void) | undefined }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...actual,
    default: actual,
    readFile: async (...args: Parameters<typeof actual.readFile>) => {
      const text = await actual.readFile(...args);
      // What another process does between this starter's read and its next step.
      const during = gate.during;
      gate.during = undefined;
      during?.();
      return text;
    },
  };
});

const { lockDataDir } = await import('../../../lib/local/emulators/data-dir-lock');

const made: string[] = [];
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});
function dataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'r16y-fix-lock-'));
  made.push(dir);
  return dir;
}
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}
const livePid = process.ppid; // another process that runs while the test does

describe('emulators.lock takeover', () => {
  it('takes a stale lock over and leaves no file but the lock', async () => {
    const dir = dataDir();
    fs.writeFileSync(path.join(dir, 'emulators.lock'), String(deadPid()));
    const unlock = await lockDataDir(dir);
    expect(fs.readdirSync(dir)).toEqual(['emulators.lock']);
    expect(fs.readFileSync(path.join(dir, 'emulators.lock'), 'utf8')).toBe(String(process.pid));
    await unlock();
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it("refuses, and puts back, another process's lock that replaced the stale one after it was read", async () => {
    const dir = dataDir();
    const lock = path.join(dir, 'emulators.lock');
    fs.writeFileSync(lock, String(deadPid()));
    // Another runtime takes the stale lock over right after this starter has read it.
    gate.during = () => {
      fs.rmSync(lock);
      fs.writeFileSync(lock, String(livePid));
    };
    await expect(lockDataDir(dir)).rejects.toThrow(`in use by process ${livePid}`);
    expect(fs.readdirSync(dir)).toEqual(['emulators.lock']);
    expect(fs.readFileSync(lock, 'utf8')).toBe(String(livePid));
  });

  it('refuses a live lock without moving it', async () => {
    const dir = dataDir();
    const lock = path.join(dir, 'emulators.lock');
    fs.writeFileSync(lock, String(livePid));
    const before = fs.statSync(lock).ino;
    await expect(lockDataDir(dir)).rejects.toThrow(`in use by process ${livePid}`);
    expect(fs.statSync(lock).ino).toBe(before);
  });

  it('takes the lock when the stale one vanished between its read and the takeover', async () => {
    const dir = dataDir();
    const lock = path.join(dir, 'emulators.lock');
    fs.writeFileSync(lock, String(deadPid()));
    gate.during = () => fs.rmSync(lock);
    const unlock = await lockDataDir(dir);
    expect(fs.readFileSync(lock, 'utf8')).toBe(String(process.pid));
    await unlock();
  });
});
