// Review round 21: this test failed at c5f6923.
/**
 * Review round 21 (r21a): a send window whose start hour falls in a spring-forward gap that does
 * not start on the hour or lasts more than an hour opens late, or not at all that day.
 *
 * shared/campaigns/send-window.ts says a local time in the gap "moves to the first minute after
 * the gap", and a window's opening is when the contact's clock is first inside it. But
 * `nextWindowOpening` takes `zonedInstant(startHour:00)`, which moves a time in the gap "past the
 * gap by its length" (zoned-time.ts). That is the gap's end only when the gap starts on the hour
 * and lasts one hour (New York, Berlin, Sydney: the zones tested). Elsewhere:
 *  - Pacific/Chatham (UTC+12:45 -> +13:45), 2026-09-27: clocks jump 02:45 -> 03:45. A window
 *    03:00-04:00 is open 03:45-04:00 that day; the opening given is 04:00, outside the window, so
 *    the step holds again until the next day (the day's window is lost).
 *  - Antarctica/Troll (UTC+0 -> +2), 2026-03-29: clocks jump 01:00 -> 03:00. A window 02:00-11:00
 *    opens at 03:00; the opening given is 04:00, an hour late.
 *
 * Root cause: send-window.ts `nextWindowOpening` uses `zonedInstant` (gap shifted by its length)
 * for the opening instead of the first instant at or after the start whose reading is inside the
 * window (the gap's end).
 */
import { describe, expect, it } from 'vitest';
import { nextWindowOpening, zonedParts } from '../../../shared/campaigns/send-window';

const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];

describe('a send window opening inside a spring-forward gap opens at the gap end', () => {
  it('Pacific/Chatham (45-minute offset): 03:00-04:00 opens at 03:45 on the day clocks jump 02:45 -> 03:45', () => {
    const zone = 'Pacific/Chatham';
    const window = { weekdays: EVERY_DAY, startHour: 3, endHour: 4 };
    // Saturday 2026-09-26 00:45 CHAST, before the window of the night of the change.
    const opening = nextWindowOpening(new Date('2026-09-26T12:00:00.000Z'), window, zone);
    const local = zonedParts(opening, zone);
    expect(
      { iso: opening.toISOString(), hour: local.hour, minute: local.minute },
      `the window opening is given at ${local.hour}:${String(local.minute).padStart(2, '0')} local, outside 03:00-04:00: that day's window is skipped`,
    ).toEqual({ iso: '2026-09-26T14:00:00.000Z', hour: 3, minute: 45 });
  });

  it('Antarctica/Troll (two-hour jump): 02:00-11:00 opens at 03:00 on the day clocks jump 01:00 -> 03:00', () => {
    const zone = 'Antarctica/Troll';
    const window = { weekdays: EVERY_DAY, startHour: 2, endHour: 11 };
    const opening = nextWindowOpening(new Date('2026-03-28T20:00:00.000Z'), window, zone);
    const local = zonedParts(opening, zone);
    expect(
      { iso: opening.toISOString(), hour: local.hour, minute: local.minute },
      `the window opens at ${local.hour}:${String(local.minute).padStart(2, '0')} local although it is open from 03:00`,
    ).toEqual({ iso: '2026-03-29T01:00:00.000Z', hour: 3, minute: 0 });
  });
});
