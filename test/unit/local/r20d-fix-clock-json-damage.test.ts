// Review round 20: this test failed at 27bc9a0.
// A damaged clock.json was read as "no campaign time yet" (state-file.ts readJsonState swallowed the
// parse error) and overwritten by startClockOrigin: campaign time went back to the wall clock, silently.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { localTimeScale, startClockOrigin } from '../../../lib/local/clock-origin';
import { readJsonState, readJsonStateOrSetAside } from '../../../lib/local/state-file';

const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'uh-r20d-fix-clock-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const HOUR = 3_600_000;

describe('a damaged clock.json (r20d)', () => {
  it('is restored from the copy written with it, the damaged file moved aside, with a log line', () => {
    const dir = tempDir();
    const first = startClockOrigin(dir, 3600, () => undefined);
    first.stop();
    const saved = JSON.parse(fs.readFileSync(path.join(dir, 'clock.json'), 'utf8'));
    // Stopped three days of campaign time ahead of the wall clock (file and copy alike), then
    // clock.json is cut short.
    const stoppedAtMs = Date.now() + 72 * HOUR;
    const text = JSON.stringify({ ...saved, stoppedAtMs });
    fs.writeFileSync(path.join(dir, 'clock.json.copy'), text);
    fs.writeFileSync(path.join(dir, 'clock.json'), text.slice(0, -5));

    const lines: string[] = [];
    const second = startClockOrigin(dir, 3600, (line) => lines.push(line));
    expect(second.clockMs).toBe(stoppedAtMs);
    expect(lines.join('\n')).toMatch(/clock\.json.*could not be read.*moved to.*carries on from its copy/s);
    const aside = fs.readdirSync(dir).filter((f) => f.startsWith('clock.json.damaged-'));
    expect(aside).toHaveLength(1);
    expect(fs.readFileSync(path.join(dir, aside[0] as string), 'utf8')).toBe(text.slice(0, -5));
    // The restored origin is saved, and its copy with it.
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'clock.json'), 'utf8')).clockMs).toBe(stoppedAtMs);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'clock.json.copy'), 'utf8')).clockMs).toBe(stoppedAtMs);
  });

  it('keeps the copy up to date at every write (start and clean stop)', () => {
    const dir = tempDir();
    const origin = startClockOrigin(dir, 60, () => undefined);
    const read = (name: string) => fs.readFileSync(path.join(dir, name), 'utf8');
    expect(read('clock.json.copy')).toBe(read('clock.json'));
    origin.stop();
    expect(JSON.parse(read('clock.json')).stoppedAtMs).toBeGreaterThanOrEqual(origin.clockMs);
    expect(read('clock.json.copy')).toBe(read('clock.json'));
  });

  it('without a readable copy, refuses the start naming the file and what to do, and leaves it as it is', () => {
    const dir = tempDir();
    const damaged = '{"realMs": 1, "clockMs": 17';
    fs.writeFileSync(path.join(dir, 'clock.json'), damaged);
    fs.writeFileSync(path.join(dir, 'clock.json.copy'), 'not json');
    expect(() => startClockOrigin(dir, 1, () => undefined)).toThrow(/clock\.json.*cannot be read.*(Repair|delete)/s);
    expect(fs.readFileSync(path.join(dir, 'clock.json'), 'utf8')).toBe(damaged);
    expect(fs.readdirSync(dir).sort()).toEqual(['clock.json', 'clock.json.copy']);
  });

  it('takes JSON without a campaign time (a hand edit) as damaged too, not as "none"', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'clock.json'), JSON.stringify({ realMs: Date.now(), clockMs: 'tomorrow' }));
    expect(() => startClockOrigin(dir, 3600, () => undefined)).toThrow(/clock\.json/);
  });
});

describe('the campaign clock across scales (r20d)', () => {
  it('a scale-1 start carries on from a faster run, and the offset shrinks while stopped, never below the wall clock', () => {
    const dir = tempDir();
    const file = path.join(dir, 'clock.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        realMs: Date.now() - 1000,
        clockMs: Date.now(),
        scale: 3600,
        stoppedAtMs: Date.now() + 5 * HOUR,
      }),
    );
    const plain = startClockOrigin(dir, 1, () => undefined);
    expect(plain.scale).toBe(1);
    expect(plain.clockMs - plain.realMs).toBeGreaterThan(4.9 * HOUR);
    plain.stop();
    // Six real hours later (as far as the saved stop knows): the wall clock is past the saved campaign time.
    const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
    fs.writeFileSync(
      file,
      JSON.stringify({ ...saved, stoppedAtMs: saved.stoppedAtMs - 6 * HOUR, realMs: saved.realMs - 6 * HOUR }),
    );
    const later = startClockOrigin(dir, 1, () => undefined);
    // No jump back, and no offset kept for nothing: the wall clock itself.
    expect(later.clockMs).toBe(later.realMs);
  });
});

describe('localTimeScale (r20d)', () => {
  it('reads an absent or blank TIME_SCALE as 1 and refuses what the functions would refuse', () => {
    expect(localTimeScale(undefined)).toBe(1);
    expect(localTimeScale(' ')).toBe(1);
    expect(localTimeScale('3600')).toBe(3600);
    for (const bad of ['fast', '0', '0.5', '2000000']) expect(() => localTimeScale(bad)).toThrow(/TIME_SCALE/);
  });
});

describe('readJsonState (r20d)', () => {
  it('answers undefined only for a missing file; a damaged one is an error naming it', () => {
    const dir = tempDir();
    const file = path.join(dir, 'demo-account.json');
    expect(readJsonState(file)).toBeUndefined();
    fs.writeFileSync(file, '{"email": "demo@');
    expect(() => readJsonState(file)).toThrow(/demo-account\.json/);
  });

  it('readJsonStateOrSetAside moves a damaged file aside with a log line saying what follows', () => {
    const dir = tempDir();
    const file = path.join(dir, 'demo-account.json');
    fs.writeFileSync(file, '{"email": "demo@');
    const lines: string[] = [];
    expect(readJsonStateOrSetAside(file, (l) => lines.push(l), 'the account is set up again')).toBeUndefined();
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.readdirSync(dir)).toEqual([expect.stringMatching(/^demo-account\.json\.damaged-\d+$/)]);
    expect(lines).toEqual([expect.stringMatching(/demo-account\.json.*moved to.*the account is set up again/)]);
  });
});
