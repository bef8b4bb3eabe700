/** The rolling reputation window: hour buckets, 7 days, restarted by a resume; judged with the thresholds. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_REPUTATION_THRESHOLDS, judgeReputation } from '../../../shared/email/reputation';
import {
  countingHour,
  dayOf,
  hourOf,
  REPUTATION_WINDOW_HOURS,
  sumWindow,
  windowHours,
} from '../../../shared/email/reputation-window';

const HOUR = 3_600_000;
const now = Date.parse('2026-12-04T08:30:00Z');

describe('reputation window', () => {
  it('names hours and days in UTC, sortable as text', () => {
    expect(hourOf(now)).toBe('2026-12-04T08');
    expect(dayOf(now)).toBe('2026-12-04');
    expect(hourOf(now - HOUR) < hourOf(now)).toBe(true);
  });

  it('spans the last 168 hours, this one included, and starts later after a resume', () => {
    expect(REPUTATION_WINDOW_HOURS).toBe(168);
    expect(windowHours(now)).toEqual({ from: '2026-11-27T09', to: '2026-12-04T08' });
    expect(windowHours(now, now - 2 * HOUR)).toEqual({ from: '2026-12-04T06', to: '2026-12-04T08' });
    // A resume older than the window changes nothing.
    expect(windowHours(now, now - 30 * 24 * HOUR)).toEqual(windowHours(now));
  });

  it('sums only the buckets inside the window', () => {
    const window = windowHours(now);
    const buckets = [
      { hour: '2026-11-27T08', sent: 1000, bounces: 500, complaints: 50 }, // 169 hours ago: out
      { hour: '2026-11-27T09', sent: 100, bounces: 1, complaints: 0 },
      { hour: '2026-12-04T08', sent: 150, bounces: 2, complaints: 1 },
      { hour: '2026-12-04T09', sent: 7, bounces: 7, complaints: 7 }, // the future: out
    ];
    expect(sumWindow(buckets, window)).toEqual({ sent: 250, bounces: 3, complaints: 1 });
  });

  it('counts an event in its own hour, never in the future', () => {
    expect(countingHour(now - 3 * HOUR, now)).toBe('2026-12-04T05');
    expect(countingHour(now + 5 * HOUR, now)).toBe('2026-12-04T08');
  });

  it('pauses at 1 complaint in 250 sends, not below the minimum volume, and warns first on bounces', () => {
    expect(judgeReputation({ sent: 250, bounces: 0, complaints: 1 }).status).toBe('pause');
    expect(judgeReputation({ sent: 199, bounces: 50, complaints: 10 }).status).toBe('ok');
    expect(judgeReputation({ sent: 1000, bounces: 60, complaints: 0 }).status).toBe('warn');
    expect(judgeReputation({ sent: 1000, bounces: 100, complaints: 0 }, DEFAULT_REPUTATION_THRESHOLDS)).toMatchObject({
      status: 'pause',
      reason: expect.stringContaining('bounce rate 10.00%'),
    });
  });
});
