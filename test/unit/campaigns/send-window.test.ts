import { describe, expect, it } from 'vitest';
import {
  isTimeZone,
  nextTimeOfDay,
  nextWindowOpening,
  zonedInstant,
  zonedParts,
} from '../../../shared/campaigns/send-window';

const weekdays9to17 = { weekdays: [1, 2, 3, 4, 5], startHour: 9, endHour: 17 };

describe('zoned time', () => {
  it('knows IANA zones and refuses made-up ones', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });

  it('reads wall-clock parts with the ISO weekday', () => {
    // 2026-12-04 is a Friday.
    expect(zonedParts(new Date('2026-12-04T23:30:00Z'), 'Asia/Tokyo')).toEqual({
      year: 2026,
      month: 12,
      day: 5,
      hour: 8,
      minute: 30,
      weekday: 6,
    });
  });

  it('moves a time in the spring-forward gap past it and takes the first of a repeated hour', () => {
    // New York 2026-03-08 02:30 does not exist (clocks jump 02:00 -> 03:00 EDT).
    expect(zonedInstant({ year: 2026, month: 3, day: 8, hour: 2, minute: 30 }, 'America/New_York').toISOString()).toBe(
      '2026-03-08T07:30:00.000Z',
    );
    // 2026-11-01 01:30 happens twice; the first is EDT (UTC-4).
    expect(zonedInstant({ year: 2026, month: 11, day: 1, hour: 1, minute: 30 }, 'America/New_York').toISOString()).toBe(
      '2026-11-01T05:30:00.000Z',
    );
  });
});

describe('send windows', () => {
  it('sends at once inside the window', () => {
    const now = new Date('2026-12-04T10:00:00Z'); // Friday 11:00 in Berlin
    expect(nextWindowOpening(now, weekdays9to17, 'Europe/Berlin')).toBe(now);
  });

  it('defers a Friday-evening send to Monday 09:00 local', () => {
    const now = new Date('2026-12-04T18:00:00Z'); // Friday 19:00 in Berlin
    expect(nextWindowOpening(now, weekdays9to17, 'Europe/Berlin').toISOString()).toBe('2026-12-07T08:00:00.000Z');
  });

  it('keeps 09:00 local across a DST change', () => {
    // Saturday 2026-03-28 in Berlin; Sunday the 29th clocks go to CEST (UTC+2).
    const now = new Date('2026-03-28T12:00:00Z');
    expect(nextWindowOpening(now, weekdays9to17, 'Europe/Berlin').toISOString()).toBe('2026-03-30T07:00:00.000Z');
    const nyBefore = new Date('2026-03-07T15:00:00Z'); // Saturday in New York, EST
    expect(nextWindowOpening(nyBefore, weekdays9to17, 'America/New_York').toISOString()).toBe(
      '2026-03-09T13:00:00.000Z',
    );
  });

  it('waits until the next time of day, strictly after now, on allowed weekdays', () => {
    const now = new Date('2026-12-04T08:00:00Z'); // Friday 09:00 Berlin
    expect(nextTimeOfDay(now, { hour: 9, minute: 0 }, 'Europe/Berlin').toISOString()).toBe('2026-12-05T08:00:00.000Z');
    expect(nextTimeOfDay(now, { hour: 10, minute: 15 }, 'Europe/Berlin').toISOString()).toBe(
      '2026-12-04T09:15:00.000Z',
    );
    expect(nextTimeOfDay(now, { hour: 9, minute: 0, weekdays: [2] }, 'Europe/Berlin').toISOString()).toBe(
      '2026-12-08T08:00:00.000Z',
    );
  });
});

describe('send windows and waits on DST days: a repeated hour is its first occurrence', () => {
  const sundayTwoToThree = { weekdays: [7], startHour: 2, endHour: 3 };

  it('Berlin fall back (2026-10-25, CEST -> CET at 01:00Z): the window opens at the first 02:00', () => {
    // 01:30 CEST on Sunday: the window 02:00-03:00 opens at 02:00 CEST = 00:00Z.
    const now = new Date('2026-10-24T23:30:00Z');
    expect(nextWindowOpening(now, sundayTwoToThree, 'Europe/Berlin').toISOString()).toBe('2026-10-25T00:00:00.000Z');
    // 00:00Z-01:00Z is inside the window already.
    const inside = new Date('2026-10-25T00:30:00Z');
    expect(nextWindowOpening(inside, sundayTwoToThree, 'Europe/Berlin')).toBe(inside);
    expect(nextTimeOfDay(now, { hour: 2, minute: 30 }, 'Europe/Berlin').toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });

  it('New York fall back (2026-11-01, EDT -> EST at 06:00Z): the first 01:00 and 01:30', () => {
    const now = new Date('2026-11-01T04:30:00Z'); // 00:30 EDT, Sunday
    const window = { weekdays: [7], startHour: 1, endHour: 2 };
    expect(nextWindowOpening(now, window, 'America/New_York').toISOString()).toBe('2026-11-01T05:00:00.000Z');
    expect(nextTimeOfDay(now, { hour: 1, minute: 30 }, 'America/New_York').toISOString()).toBe(
      '2026-11-01T05:30:00.000Z',
    );
  });

  it('Sydney fall back (2026-04-05, AEDT -> AEST at 16:00Z the day before): the first 02:00 and 02:30', () => {
    const now = new Date('2026-04-04T14:30:00Z'); // 01:30 AEDT, Sunday
    expect(nextWindowOpening(now, sundayTwoToThree, 'Australia/Sydney').toISOString()).toBe('2026-04-04T15:00:00.000Z');
    expect(nextTimeOfDay(now, { hour: 2, minute: 30 }, 'Australia/Sydney').toISOString()).toBe(
      '2026-04-04T15:30:00.000Z',
    );
  });

  it('a wait until a repeated time of day fires once: after the first occurrence, the next day', () => {
    // 02:45 CEST (the first 02:45) and 02:15 CET (the second 02:15): both wait for Monday 02:30 CET.
    for (const now of ['2026-10-25T00:45:00Z', '2026-10-25T01:15:00Z']) {
      expect(nextTimeOfDay(new Date(now), { hour: 2, minute: 30 }, 'Europe/Berlin').toISOString()).toBe(
        '2026-10-26T01:30:00.000Z',
      );
    }
  });

  it('spring forward: a time of day in the gap moves past it (Berlin, New York, Sydney)', () => {
    const halfTwo = { hour: 2, minute: 30 };
    // 2026-03-29 Berlin: 02:30 does not exist -> 03:30 CEST.
    expect(nextTimeOfDay(new Date('2026-03-28T23:00:00Z'), halfTwo, 'Europe/Berlin').toISOString()).toBe(
      '2026-03-29T01:30:00.000Z',
    );
    // 2026-03-08 New York -> 03:30 EDT.
    expect(nextTimeOfDay(new Date('2026-03-08T05:00:00Z'), halfTwo, 'America/New_York').toISOString()).toBe(
      '2026-03-08T07:30:00.000Z',
    );
    // 2026-10-04 Sydney -> 03:30 AEDT.
    expect(nextTimeOfDay(new Date('2026-10-03T14:00:00Z'), halfTwo, 'Australia/Sydney').toISOString()).toBe(
      '2026-10-03T16:30:00.000Z',
    );
    // A weekday window keeps 09:00 local across Sydney's change (Monday 2026-10-05 09:00 AEDT).
    expect(nextWindowOpening(new Date('2026-10-03T02:00:00Z'), weekdays9to17, 'Australia/Sydney').toISOString()).toBe(
      '2026-10-04T22:00:00.000Z',
    );
  });
});
