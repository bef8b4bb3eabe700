import { describe, expect, it } from 'vitest';
import { zonedInstant, zonedParts } from '../../shared/zoned-time';

const at = (year: number, month: number, day: number, hour: number, minute: number, zone: string) =>
  zonedInstant({ year, month, day, hour, minute }, zone).toISOString();

describe('zonedInstant: a repeated local time (fall back) is its first occurrence', () => {
  it('Europe/Berlin, 2026-10-25 (CEST UTC+2 -> CET UTC+1 at 01:00Z)', () => {
    expect(at(2026, 10, 25, 2, 0, 'Europe/Berlin')).toBe('2026-10-25T00:00:00.000Z');
    expect(at(2026, 10, 25, 2, 30, 'Europe/Berlin')).toBe('2026-10-25T00:30:00.000Z');
    expect(at(2026, 10, 25, 2, 59, 'Europe/Berlin')).toBe('2026-10-25T00:59:00.000Z');
    // Just outside the repeated hour, the one reading there is.
    expect(at(2026, 10, 25, 1, 59, 'Europe/Berlin')).toBe('2026-10-24T23:59:00.000Z');
    expect(at(2026, 10, 25, 3, 0, 'Europe/Berlin')).toBe('2026-10-25T02:00:00.000Z');
  });

  it('America/New_York, 2026-11-01 (EDT UTC-4 -> EST UTC-5 at 06:00Z)', () => {
    expect(at(2026, 11, 1, 1, 0, 'America/New_York')).toBe('2026-11-01T05:00:00.000Z');
    expect(at(2026, 11, 1, 1, 30, 'America/New_York')).toBe('2026-11-01T05:30:00.000Z');
    expect(at(2026, 11, 1, 2, 0, 'America/New_York')).toBe('2026-11-01T07:00:00.000Z');
  });

  it('Australia/Sydney, 2026-04-05 (AEDT UTC+11 -> AEST UTC+10 at 16:00Z the day before)', () => {
    expect(at(2026, 4, 5, 2, 0, 'Australia/Sydney')).toBe('2026-04-04T15:00:00.000Z');
    expect(at(2026, 4, 5, 2, 30, 'Australia/Sydney')).toBe('2026-04-04T15:30:00.000Z');
    expect(at(2026, 4, 5, 3, 0, 'Australia/Sydney')).toBe('2026-04-04T17:00:00.000Z');
  });

  it('Australia/Lord_Howe, 2026-04-05 (UTC+11 -> UTC+10:30: 01:30-02:00 happens twice)', () => {
    expect(at(2026, 4, 5, 1, 30, 'Australia/Lord_Howe')).toBe('2026-04-04T14:30:00.000Z');
    expect(at(2026, 4, 5, 1, 45, 'Australia/Lord_Howe')).toBe('2026-04-04T14:45:00.000Z');
    expect(at(2026, 4, 5, 2, 0, 'Australia/Lord_Howe')).toBe('2026-04-04T15:30:00.000Z');
  });
});

describe('zonedInstant: a skipped local time (spring forward) moves past the gap by its length', () => {
  it('Europe/Berlin, 2026-03-29: 02:00-03:00 does not exist', () => {
    expect(at(2026, 3, 29, 2, 0, 'Europe/Berlin')).toBe('2026-03-29T01:00:00.000Z'); // 03:00 CEST
    expect(at(2026, 3, 29, 2, 30, 'Europe/Berlin')).toBe('2026-03-29T01:30:00.000Z'); // 03:30 CEST
    expect(at(2026, 3, 29, 3, 0, 'Europe/Berlin')).toBe('2026-03-29T01:00:00.000Z');
  });

  it('America/New_York, 2026-03-08: 02:00-03:00 does not exist', () => {
    expect(at(2026, 3, 8, 2, 30, 'America/New_York')).toBe('2026-03-08T07:30:00.000Z'); // 03:30 EDT
    expect(at(2026, 3, 8, 3, 0, 'America/New_York')).toBe('2026-03-08T07:00:00.000Z');
  });

  it('Australia/Sydney, 2026-10-04: 02:00-03:00 does not exist', () => {
    expect(at(2026, 10, 4, 2, 30, 'Australia/Sydney')).toBe('2026-10-03T16:30:00.000Z'); // 03:30 AEDT
    expect(at(2026, 10, 4, 3, 0, 'Australia/Sydney')).toBe('2026-10-03T16:00:00.000Z');
  });

  it('Australia/Lord_Howe, 2026-10-04: 02:00-02:30 does not exist', () => {
    expect(at(2026, 10, 4, 2, 15, 'Australia/Lord_Howe')).toBe('2026-10-03T15:45:00.000Z'); // 02:45 UTC+11
    expect(at(2026, 10, 4, 2, 30, 'Australia/Lord_Howe')).toBe('2026-10-03T15:30:00.000Z');
  });
});

describe('zonedInstant: every reading maps back to the earliest instant that shows it', () => {
  const zones = [
    'Europe/Berlin',
    'America/New_York',
    'Australia/Sydney',
    'Australia/Lord_Howe',
    'Asia/Kolkata',
    'Pacific/Chatham',
    'America/St_Johns',
    'UTC',
  ];
  // The days around the 2026 transitions of both hemispheres, in 15-minute steps: New York
  // (Mar 8, Nov 1), Europe (Mar 29, Oct 25), Sydney and Lord Howe (Apr 5, Oct 4), Chatham (Apr 5, Sep 27).
  const ranges: Array<[string, string]> = [
    ['2026-03-07T00:00:00Z', '2026-03-10T00:00:00Z'],
    ['2026-03-28T00:00:00Z', '2026-03-30T00:00:00Z'],
    ['2026-04-03T12:00:00Z', '2026-04-05T12:00:00Z'],
    ['2026-09-25T12:00:00Z', '2026-09-27T12:00:00Z'],
    ['2026-10-02T12:00:00Z', '2026-10-04T12:00:00Z'],
    ['2026-10-24T00:00:00Z', '2026-10-26T00:00:00Z'],
    ['2026-10-31T00:00:00Z', '2026-11-03T00:00:00Z'],
  ];
  for (const zone of zones) {
    it(zone, () => {
      for (const [from, to] of ranges) {
        const first = new Map<string, number>();
        for (let t = Date.parse(from); t < Date.parse(to); t += 15 * 60_000) {
          const p = zonedParts(new Date(t), zone);
          const key = `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
          if (!first.has(key)) first.set(key, t);
          const back = zonedInstant(p, zone).getTime();
          if (back !== first.get(key)) {
            throw new Error(
              `${zone} ${key}: got ${new Date(back).toISOString()}, want ${new Date(first.get(key) ?? 0).toISOString()}`,
            );
          }
        }
      }
    });
  }
});
