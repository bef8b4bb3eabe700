import { describe, expect, it } from 'vitest';
import { schedules } from '../../../lib/definition';
import { nextFire, parseSchedule, ScheduleExpressionError } from '../../../lib/local/schedule-expression';

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
  ])('refuses %s clearly', (expr, message) => {
    expect(() => parseSchedule(expr)).toThrow(ScheduleExpressionError);
    expect(() => parseSchedule(expr)).toThrow(message);
  });
  it('parses every declared schedule', () => {
    for (const s of schedules) expect(() => parseSchedule(s.expression)).not.toThrow();
  });
});
