import { describe, expect, it } from 'vitest';
import { schedules } from '../../../lib/definition';
import { nextFire, parseSchedule, ScheduleExpressionError } from '../../../lib/local/schedule-expression';
import { nextFireInZone } from '../../../shared/schedule-expression';

const at = (iso: string) => new Date(iso);
const next = (expr: string, after: string) => nextFire(parseSchedule(expr), at(after))?.toISOString();

describe('EventBridge schedule expressions', () => {
  it('fires every five minutes on the five-minute marks', () => {
    expect(next('cron(0/5 * * * ? *)', '2026-11-25T18:03:10Z')).toBe('2026-11-25T18:05:00.000Z');
    expect(next('cron(0/5 * * * ? *)', '2026-11-25T18:05:00Z')).toBe('2026-11-25T18:10:00.000Z');
  });
  it('reads day-of-week names with 1 = Sunday', () => {
    // 2026-11-25 is a Wednesday; the next Monday 09:30 UTC is the 30th.
    expect(next('cron(30 9 ? * MON *)', '2026-11-25T12:00:00Z')).toBe('2026-11-30T09:30:00.000Z');
    expect(next('cron(30 9 ? * 2 *)', '2026-11-25T12:00:00Z')).toBe('2026-11-30T09:30:00.000Z');
  });
  it('handles month ranges, day of month and year rollover', () => {
    expect(next('cron(0 0 1 JAN-MAR ? *)', '2026-11-25T00:00:00Z')).toBe('2027-01-01T00:00:00.000Z');
    expect(next('cron(15 10 31 * ? 2026)', '2026-12-31T10:15:00Z')).toBeUndefined();
  });
  it('has no next slot for a day its months lack or years that are over, however far it looks; finds one years ahead', () => {
    // Before: a 5-year horizon, so a far year read as "never" and 31 February was walked day by day.
    expect(next('cron(0 9 31 2 ? *)', '2026-06-01T00:00:00Z')).toBeUndefined();
    expect(next('cron(0 9 30,31 2 ? *)', '2026-06-01T00:00:00Z')).toBeUndefined();
    expect(next('cron(0 9 31 4,6,9,11 ? *)', '2026-06-01T00:00:00Z')).toBeUndefined();
    expect(next('cron(0 9 * * ? 2001)', '2026-06-01T00:00:00Z')).toBeUndefined();
    expect(next('cron(0 9 29 2 ? *)', '2026-06-01T00:00:00Z')).toBe('2028-02-29T09:00:00.000Z');
    expect(next('cron(0 9 1 1 ? 2040)', '2026-06-01T00:00:00Z')).toBe('2040-01-01T09:00:00.000Z');
    expect(next('cron(0 9 ? * MON 2199)', '2026-06-01T00:00:00Z')).toBe('2199-01-07T09:00:00.000Z');
  });
  it('counts rates from the anchor', () => {
    const schedule = parseSchedule('rate(10 minutes)');
    expect(nextFire(schedule, at('2026-01-01T00:25:00Z'), at('2026-01-01T00:00:00Z'))?.toISOString()).toBe(
      '2026-01-01T00:30:00.000Z',
    );
  });
  it.each([
    ['cron(0 0 * * * *)', 'exactly one'],
    ['cron(0 0 L * ? *)', 'not supported'],
    ['cron(0 25 * * ? *)', 'out of range'],
    ['rate(1 minutes)', '1 minute'],
    ['rate(0 hours)', 'positive'],
    ['every day', 'expected rate'],
    ['cron(59-0 * * * ? *)', 'the range "59-0" runs backwards'],
    ['cron(0 22-2 * * ? *)', 'the range "22-2" runs backwards'],
    ['cron(0 9 ? * FRI-MON *)', 'the range "FRI-MON" runs backwards'],
    ['cron(0 0 1 DEC-JAN ? *)', 'the range "DEC-JAN" runs backwards'],
    ['cron(0 0 1 * ? 2030-2026)', 'the range "2030-2026" runs backwards'],
    ['cron(5- * * * ? *)', '"" is out of range'],
    ['cron(1-2-3 * * * ? *)', 'bad range "1-2-3"'],
    ['cron(0/5/2 * * * ? *)', 'bad step'],
    ['cron(0x1 * * * ? *)', '"0x1" is out of range'],
  ])('refuses %s clearly', (expr, message) => {
    expect(() => parseSchedule(expr)).toThrow(ScheduleExpressionError);
    expect(() => parseSchedule(expr)).toThrow(message);
  });
  it('still takes a one-value range and ranges in order', () => {
    expect(next('cron(5-5 * * * ? *)', '2026-11-25T18:03:10Z')).toBe('2026-11-25T18:05:00.000Z');
    expect(next('cron(0 9 ? * MON-FRI *)', '2026-11-28T12:00:00Z')).toBe('2026-11-30T09:00:00.000Z');
  });
  it('parses every declared schedule', () => {
    for (const s of schedules) expect(() => parseSchedule(s.expression)).not.toThrow();
  });
});

describe('crons in a time zone across the repeated hour of a fall-back', () => {
  const at = (expr: string, after: string, zone: string) =>
    nextFireInZone(parseSchedule(expr), new Date(after), zone)?.toISOString();
  it('fires every minute and every 5 minutes through the second pass of the repeated hour', () => {
    // Berlin 2026-10-25: 02:00-03:00 local happens twice (00:00Z-01:00Z, then 01:00Z-02:00Z).
    expect(at('cron(* * * * ? *)', '2026-10-25T01:00:00Z', 'Europe/Berlin')).toBeDefined();
    expect(at('cron(0/5 * * * ? *)', '2026-10-25T01:03:00Z', 'Europe/Berlin')).toBeDefined();
    // New York 2026-11-01: 01:00-02:00 local happens twice (05:00Z-06:00Z, then 06:00Z-07:00Z).
    expect(at('cron(* * * * ? *)', '2026-11-01T06:00:00Z', 'America/New_York')).toBeDefined();
    // A slot in the repeated hour fires once, at its first occurrence.
    expect(at('cron(30 2 * * ? *)', '2026-10-24T12:00:00Z', 'Europe/Berlin')).toBe('2026-10-25T00:30:00.000Z');
    expect(at('cron(30 2 * * ? *)', '2026-10-25T00:31:00Z', 'Europe/Berlin')).toBe('2026-10-26T01:30:00.000Z');
  });
});
