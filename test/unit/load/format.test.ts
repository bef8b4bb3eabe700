/** How numbers, commits and machines are written. */
import { describe, expect, it } from 'vitest';
import { fmt, machineText, pct, shortCommit, utc } from '../../../load/report/format';

describe('format', () => {
  it('rounds without trailing zeros and writes n/a for what is not a number', () => {
    expect(fmt(1.25)).toBe('1.3');
    expect(fmt(2)).toBe('2');
    expect(fmt(1234.5678, 2)).toBe('1234.57');
    expect(fmt(49.6, 0)).toBe('50');
    expect(fmt(undefined)).toBe('n/a');
    expect(fmt(Number.NaN)).toBe('n/a');
    expect(pct(1, 3)).toBe('33.33%');
    expect(pct(1, 0)).toBe('n/a');
    expect(utc('2026-11-25T20:22:47.553Z')).toBe('2026-11-25 20:22:47 UTC');
  });

  it('shortens a full commit and keeps a short one with its note as written', () => {
    expect(shortCommit({ gitCommit: '0123456789abcdef0123456789abcdef01234567' })).toBe('0123456789ab');
    expect(shortCommit({ gitCommit: '9462f7b (with uncommitted changes)' })).toBe('9462f7b (with uncommitted changes)');
    expect(shortCommit({})).toBeUndefined();
    expect(shortCommit(undefined)).toBeUndefined();
  });

  it('describes the machine from the meta file, or says it was not recorded', () => {
    expect(
      machineText({
        machine: { cores: 2, cpuModel: 'AMD EPYC', memGiB: 23.46, os: 'Linux 6.1 x64' },
        node: 'v24.21.0',
      }),
    ).toBe('2 x AMD EPYC, 23.5 GiB RAM, Linux 6.1 x64, Node v24.21.0');
    expect(machineText({ machine: {} })).toBe('unknown CPU');
    expect(machineText(undefined)).toBe('not recorded (no meta file)');
  });
});
