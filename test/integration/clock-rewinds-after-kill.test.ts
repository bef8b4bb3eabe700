/**
 * Review round 15: this test failed at f03ad0e (under TIME_SCALE, a kill -9 wound campaign time back by up to 2 s x scale).
 *
 * Defect: under TIME_SCALE, `kill -9` of the runtime sends campaign time backwards at the next
 * start, by up to 2 s x TIME_SCALE (two hours of campaign time at TIME_SCALE=3600, a day at
 * 43200). The clock origin module promises "campaign time must never run backwards across a
 * restart (timers and due times were set in it)", but it only records campaign time every 2 s
 * (`saveEveryMs`) and on a clean stop; a kill between two saves leaves the older value, and the
 * next start carries on from it. Everything the functions stamped in those last seconds (a step's
 * `lastStepAt`, a send's `sentAt`, a launch's `startedAt`, an enrolment's wait deadline) is then
 * in the campaign future: windows and caps computed from "now" see negative ages, a launch can
 * finish before it started (the very bug d20b3b7 fixed for another cause).
 *
 * Severity: MEDIUM (a stated invariant of the local runtime broken by the kill it claims to
 * survive; wrong waits and windows under TIME_SCALE).
 *
 * Root cause: lib/local/clock-origin.ts startClockOrigin (persists a sampled campaign time instead
 * of the origin; at start, `Math.max(realMs, last)` from a value up to `saveEveryMs` old).
 *
 * Correct behaviour: after any stop, clean or killed, the restarted campaign clock is at or after
 * every campaign instant the previous run could have handed out (e.g. persist the origin
 * `realMs:clockMs:scale` once, and resume from it, or from a saved value plus the real time since).
 *
 * The clock runs in its own process (clock-child.ts), as in the runtime, and is killed with
 * SIGKILL one real second after it started (before its first periodic save).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startClockOrigin } from '../../lib/local/clock-origin';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'uh-r15-clock-'));
let child: ChildProcess | undefined;

afterAll(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('the TIME_SCALE campaign clock across kill -9 (review 15)', () => {
  it('never runs backwards: the next start is at or after the campaign time the killed run had reached', async () => {
    const proc = spawn(process.execPath, ['--import', 'tsx', path.join('test', 'integration', 'clock-child.ts')], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    let out = '';
    const origin = await new Promise<{ realMs: number; clockMs: number; scale: number }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`clock child did not start: ${out}`)), 30_000);
      proc.stderr?.on('data', (c: Buffer) => {
        out += c.toString();
      });
      proc.stdout?.on('data', (c: Buffer) => {
        out += c.toString();
        const line = /\{"realMs".*\}/.exec(out)?.[0];
        if (line) {
          clearTimeout(timer);
          resolve(JSON.parse(line));
        }
      });
    });
    await new Promise((r) => setTimeout(r, 1000));
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    const killedAtRealMs = Date.now();
    proc.kill('SIGKILL');
    await exited;
    // What the killed run's functions could have read as "now" when it died (at least).
    const reachedClockMs = origin.clockMs + (killedAtRealMs - origin.realMs) * origin.scale;

    const restarted = startClockOrigin(dataDir, origin.scale);
    restarted.stop();
    const behindHours = (reachedClockMs - restarted.clockMs) / 3_600_000;
    expect(
      restarted.clockMs,
      `campaign clock restarted ${behindHours.toFixed(2)} h of campaign time behind the killed run`,
    ).toBeGreaterThanOrEqual(reachedClockMs);
  }, 60_000);

  it('saves the origin itself, atomically, and carries on from it at a changed TIME_SCALE', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'uh-r15-clock-scale-'));
    try {
      const first = startClockOrigin(dir, 3600);
      const saved = JSON.parse(fs.readFileSync(path.join(dir, 'clock.json'), 'utf8'));
      expect(saved).toEqual({ realMs: first.realMs, clockMs: first.clockMs, scale: 3600 });
      // No temporary file left over; the copy a damaged clock.json is restored from (review 20).
      expect(fs.readdirSync(dir).sort()).toEqual(['clock.json', 'clock.json.copy']);
      // Restarted at another scale: from the campaign time the first origin reached, at the new scale.
      const second = startClockOrigin(dir, 60);
      expect(second.scale).toBe(60);
      expect(second.clockMs).toBeGreaterThanOrEqual(first.clockMs + (second.realMs - first.realMs) * 3600);
      expect(JSON.parse(fs.readFileSync(path.join(dir, 'clock.json'), 'utf8'))).toMatchObject({ scale: 60 });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stands still while stopped cleanly: the next start carries on from the campaign time of the stop', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'uh-r15-clock-stop-'));
    try {
      const first = startClockOrigin(dir, 3600);
      first.stop();
      const { stoppedAtMs } = JSON.parse(fs.readFileSync(path.join(dir, 'clock.json'), 'utf8'));
      expect(stoppedAtMs).toBeGreaterThanOrEqual(first.clockMs);
      // A day later in real time, as far as the saved origin knows: a stopped runtime's clock did not run.
      const saved = JSON.parse(fs.readFileSync(path.join(dir, 'clock.json'), 'utf8'));
      fs.writeFileSync(path.join(dir, 'clock.json'), JSON.stringify({ ...saved, realMs: saved.realMs - 86_400_000 }));
      const second = startClockOrigin(dir, 3600);
      expect(second.clockMs).toBe(Math.ceil(Math.max(second.realMs, stoppedAtMs)));
      // Not stopped cleanly (a kill): the origin runs on, as the kill test above shows.
      expect(JSON.parse(fs.readFileSync(path.join(dir, 'clock.json'), 'utf8')).stoppedAtMs).toBeUndefined();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads a clock.json from before origins were kept ({clockMs, scale}: a sample) as that sample', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'uh-r15-clock-old-'));
    try {
      const ahead = Date.now() + 86_400_000;
      fs.writeFileSync(path.join(dir, 'clock.json'), JSON.stringify({ clockMs: ahead, scale: 3600 }));
      expect(startClockOrigin(dir, 3600).clockMs).toBe(ahead);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
