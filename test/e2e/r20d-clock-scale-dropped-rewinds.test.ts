/**
 * Review round 20 (r20d): campaign time runs backwards when the runtime is restarted without TIME_SCALE.
 *
 * Defect: `TIME_SCALE=3600 npm start`, a while of campaign time (the walkthrough's section 8: a
 * three-day journey in about a minute), Ctrl-C, then a plain `npm start` on the same DATA_DIR: the
 * campaign clock of the second run is the wall clock again, hours to days BEHIND the campaign time
 * the first run stopped at (`clock.json`'s `stoppedAtMs`), which the runtime ignores when TIME_SCALE
 * is unset. lib/local/clock-origin.ts states "Campaign time must never run backwards across a
 * restart (timers and due times were set in it), however the last run ended" and "a start with
 * another TIME_SCALE carries on from that same campaign time at the new scale"; scale 1 is another
 * scale. Everything the first run stamped is then in the campaign future: an enrolment's wait
 * (`nodeSince` + duration, `dueAt`) lasts that much longer in real time (days, at scale 1), a
 * wait-for-event node's window starts after the interactions that should meet it (a reply after the
 * restart is stamped before `nodeSince` and never counts), goal windows and caps see negative ages.
 *
 * Severity: MEDIUM (a stated invariant of the local runtime broken by the most ordinary restart;
 * journeys stall or misjudge their events, silently).
 *
 * Root cause: lib/local/runtime.ts startRuntime (`if (timeScale > 1) startClockOrigin(...)`: a start
 * at scale 1 neither reads nor updates clock.json) and shared/clock.ts scaledClock (scale 1 ignores
 * any origin, so an offset cannot even be expressed).
 *
 * Correct behaviour: every start reads clock.json when it exists and carries on from the saved
 * campaign time at the new scale (1 included: campaign time = saved time + real time since the
 * start, never before it), saving its own origin, as a start with another TIME_SCALE > 1 does.
 *
 * Each run is its own process (the functions' config is read once per process, as with `npm start`):
 * startRuntime on the same data dir, the campaign clock the functions use (shared/config.ts
 * campaignClock) read after the start and just before a clean stop.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'uh-r20d-clock-'));

afterAll(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** One run of the runtime in a child process: its campaign clock at start and before its clean stop. */
async function run(env: Record<string, string | undefined>, holdMs: number): Promise<{ start: number; stop: number }> {
  const code = `
    const { startRuntime } = await import(${JSON.stringify(path.join(ROOT, 'lib/local/runtime.ts'))});
    const rt = await startRuntime({ port: 0, dataDir: process.env.DATA_DIR, seed: false, emulators: 'in-process',
      pollWaitSeconds: 1, log: (l) => process.stderr.write(l + '\\n') });
    const { campaignClock } = await import(${JSON.stringify(path.join(ROOT, 'shared/config.ts'))});
    const start = campaignClock().now().getTime();
    await new Promise((r) => setTimeout(r, ${holdMs}));
    const stop = campaignClock().now().getTime();
    await rt.stop();
    process.stdout.write('CLOCK ' + JSON.stringify({ start, stop }) + '\\n');
    process.exit(0);
  `;
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, LOG_LEVEL: 'ERROR', DATA_DIR: dataDir, ...env })) {
    if (v !== undefined) childEnv[k] = v;
  }
  const proc = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: ROOT,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  proc.stderr?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  const timer = setTimeout(() => proc.kill('SIGKILL'), 45_000);
  await new Promise((resolve) => proc.once('exit', resolve));
  clearTimeout(timer);
  const line = /CLOCK (\{.*\})/.exec(out)?.[1];
  if (!line) throw new Error(`the runtime child did not report its clock:\n${out.slice(-3000)}`);
  return JSON.parse(line) as { start: number; stop: number };
}

describe('the campaign clock across a restart without TIME_SCALE (r20d)', () => {
  it('carries on from the campaign time the accelerated run stopped at instead of running backwards', async () => {
    // Two real seconds at 3600x: two hours of campaign time ahead of the wall clock.
    const first = await run({ TIME_SCALE: '3600', CLOCK_ORIGIN: undefined }, 2000);
    expect(first.stop - Date.now()).toBeGreaterThan(60 * 60_000);
    const saved = JSON.parse(fs.readFileSync(path.join(dataDir, 'clock.json'), 'utf8')) as { stoppedAtMs: number };
    expect(saved.stoppedAtMs).toBeGreaterThanOrEqual(first.stop);

    // The ordinary restart: `npm start`, no TIME_SCALE.
    const second = await run({ TIME_SCALE: undefined, CLOCK_ORIGIN: undefined }, 0);
    const rewoundMinutes = Math.round((first.stop - second.start) / 60_000);
    expect(
      second.start,
      `campaign time went back ${rewoundMinutes} minutes across the restart (stopped at ${new Date(first.stop).toISOString()}, restarted at ${new Date(second.start).toISOString()})`,
    ).toBeGreaterThanOrEqual(first.stop);
  }, 120_000);
});
