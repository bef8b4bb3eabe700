// Review round 20: this test failed at 9cf75bb.
// clock.json was checked for finite numbers only: a time no Date, ISO stamp or CLOCK_ORIGIN holds (a hand
// edit, or an origin a long kill at a high TIME_SCALE ran past the year 9999) was taken and written to the copy.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LATEST_CAMPAIGN_TIME_MS, startClockOrigin } from '../../../lib/local/clock-origin';

const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'uh-r20s2-fix-clock-'));
  dirs.push(dir);
  return dir;
};
const savedEnv = { origin: process.env.CLOCK_ORIGIN, stage: process.env.STAGE };
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  for (const [name, value] of [
    ['CLOCK_ORIGIN', savedEnv.origin],
    ['STAGE', savedEnv.stage],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  vi.resetModules();
});

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const read = (dir: string, name: string) => fs.readFileSync(path.join(dir, name), 'utf8');

describe('clock.json fields out of range (r20s2)', () => {
  const good = () => ({ realMs: Date.now() - 1000, clockMs: Date.now(), scale: 3600, stoppedAtMs: Date.now() + DAY });
  const edits: Record<string, Record<string, unknown>> = {
    'clockMs in microseconds': { clockMs: Date.now() * 1000 },
    'stoppedAtMs past any Date': { stoppedAtMs: 1e17 },
    'stoppedAtMs past the year 9999': { stoppedAtMs: LATEST_CAMPAIGN_TIME_MS + 1 },
    'a negative realMs': { realMs: -5 },
    'realMs in microseconds': { realMs: Date.now() * 1000 },
    'a zero scale': { scale: 0 },
    'a scale past TIME_SCALE': { scale: 2_000_000 },
  };

  for (const [name, edit] of Object.entries(edits)) {
    it(`${name}: restored from the copy, which is never overwritten with it`, () => {
      const dir = tempDir();
      const saved = good();
      fs.writeFileSync(path.join(dir, 'clock.json.copy'), JSON.stringify(saved));
      fs.writeFileSync(path.join(dir, 'clock.json'), JSON.stringify({ ...saved, ...edit }));
      const lines: string[] = [];
      const origin = startClockOrigin(dir, 1, (line) => lines.push(line));
      expect(origin.clockMs).toBe(saved.stoppedAtMs);
      expect(lines.join('\n')).toMatch(/clock\.json could not be read .*moved to .*carries on from its copy/s);
      for (const file of ['clock.json', 'clock.json.copy']) {
        expect(JSON.parse(read(dir, file)).clockMs).toBe(saved.stoppedAtMs);
      }
    });

    it(`${name}: without a copy, the start is refused naming the file and nothing is written`, () => {
      const dir = tempDir();
      const text = JSON.stringify({ ...good(), ...edit });
      fs.writeFileSync(path.join(dir, 'clock.json'), text);
      expect(() => startClockOrigin(dir, 1, () => undefined)).toThrow(/clock\.json cannot be read .*(Repair|delete)/s);
      expect(fs.readdirSync(dir)).toEqual(['clock.json']);
      expect(read(dir, 'clock.json')).toBe(text);
    });
  }

  it('an origin a long kill at TIME_SCALE=1000000 ran past the year 9999 is refused, saying how far and what to do', () => {
    const dir = tempDir();
    // Killed (no stoppedAtMs) 100 days ago at a million times real time: 270,000 years of campaign time.
    const text = JSON.stringify({ realMs: Date.now() - 100 * DAY, clockMs: Date.now(), scale: 1_000_000 });
    fs.writeFileSync(path.join(dir, 'clock.json'), text);
    fs.writeFileSync(path.join(dir, 'clock.json.copy'), text);
    let message = '';
    try {
      startClockOrigin(dir, 1, () => undefined);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/clock\.json cannot be read \(.*past the year 9999.*TIME_SCALE=1000000/s);
    expect(message).toMatch(/delete it to start campaign time from the wall clock again/);
    expect(read(dir, 'clock.json')).toBe(text);
    expect(read(dir, 'clock.json.copy')).toBe(text);
  });

  it('a clean stop past the year 9999 writes nothing out of range: the next start refuses it', async () => {
    const dir = tempDir();
    fs.writeFileSync(
      path.join(dir, 'clock.json'),
      JSON.stringify({
        realMs: Date.now() - 1000,
        clockMs: Date.now(),
        scale: 1,
        stoppedAtMs: LATEST_CAMPAIGN_TIME_MS - 1000,
      }),
    );
    const lines: string[] = [];
    const origin = startClockOrigin(dir, 1_000_000, (line) => lines.push(line));
    expect(origin.clockMs).toBe(LATEST_CAMPAIGN_TIME_MS - 1000);
    await new Promise((resolve) => setTimeout(resolve, 5));
    origin.stop();
    for (const file of ['clock.json', 'clock.json.copy']) {
      const saved = JSON.parse(read(dir, file));
      expect(saved.stoppedAtMs).toBeUndefined();
      expect(saved.clockMs).toBeLessThanOrEqual(LATEST_CAMPAIGN_TIME_MS);
    }
    expect(lines.join('\n')).toMatch(/past the year 9999.*delete .*clock\.json/s);
    expect(() => startClockOrigin(dir, 1, () => undefined)).toThrow(/clock\.json cannot be read .*year 9999/s);
  });
});

describe('the start after a kill at a high TIME_SCALE (r20s2)', () => {
  it('says how far ahead of the wall clock campaign time is, why, and how to start it from the wall clock again', () => {
    const dir = tempDir();
    // Killed a day ago at 3600x: campaign time ran on for 3600 days while the runtime was down.
    fs.writeFileSync(
      path.join(dir, 'clock.json'),
      JSON.stringify({ realMs: Date.now() - DAY, clockMs: Date.now() - DAY, scale: 3600 }),
    );
    const lines: string[] = [];
    const origin = startClockOrigin(dir, 1, (line) => lines.push(line));
    expect(origin.clockMs - origin.realMs).toBeGreaterThan(3598 * DAY);
    const said = lines.join('\n');
    expect(said).toMatch(/9\.9 years ahead of the wall clock/);
    expect(said).toMatch(/last run, at TIME_SCALE=3600, did not stop cleanly/);
    expect(said).toMatch(/stop the runtime and delete .*clock\.json/);
  });
});

describe('CLOCK_ORIGIN in shared/config (r20s2)', () => {
  const loadConfig = async (origin: string) => {
    process.env.CLOCK_ORIGIN = origin;
    process.env.STAGE = 'local';
    vi.resetModules();
    return import('../../../shared/config');
  };

  it('stops the cold start when a time is past what the local runtime writes (the year 9999)', async () => {
    await expect(loadConfig(`1700000000000:${LATEST_CAMPAIGN_TIME_MS + 1}`)).rejects.toThrow(/CLOCK_ORIGIN/);
    await expect(loadConfig(`9000000000000000:1700000000000`)).rejects.toThrow(/CLOCK_ORIGIN/);
    const config = await loadConfig(`1700000000000:${LATEST_CAMPAIGN_TIME_MS}`);
    expect(config.campaignClock().fromReal(1700000000000).toISOString()).toBe('9999-12-31T23:59:59.999Z');
  });
});
