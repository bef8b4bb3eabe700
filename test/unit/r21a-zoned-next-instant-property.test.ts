/**
 * Review round 21 (r21a), the class: every "next instant whose wall-clock reading in a zone is
 * ..." of the repo against a brute force that follows the clock minute by minute, in zones whose
 * gaps and repeated spans have every length and start (Chatham's 45-minute offset, Troll's two
 * hours, Lord Howe's half hour, Nuuk's and Scoresbysund's 23:00 and midnight, Havana's, Santiago's
 * and Asuncion's midnight, Casablanca's Ramadan, Dublin's negative DST, offset changes for good such
 * as Almaty's), over 2023-2031, half the cases within a day and a half of a transition:
 * - zonedInstant: a local date-time is its first occurrence; in a gap, past it by its length;
 * - nextSlotInZone, through nextFireInZone (a cron) and nextTimeOfDay (a wait): the earliest slot
 *   strictly after the instant, each reading once, at zonedInstant's instant; and a slot is "the
 *   first one after just before it" (campaign-triggers.ts `isSlotOf`);
 * - firstInstantReading, through nextWindowOpening (a send window, also the sender's hold): now
 *   when the clock reads inside the window, else the first instant it does.
 *
 * The brute force reads each zone's offsets from a table built once per zone from Intl's
 * `longOffset` names (sampled every 6 hours, halved to the minute), not from zoned-time.ts, and
 * checks the table against zonedParts at every instant it answers.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { nextTimeOfDay, nextWindowOpening, type SendWindow } from '../../shared/campaigns/send-window';
import { nextFireInZone, parseSchedule } from '../../shared/schedule-expression';
import { zonedInstant, zonedParts } from '../../shared/zoned-time';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const FROM = Date.UTC(2023, 0, 1);
const TO = Date.UTC(2032, 0, 1);

const ZONES = [
  'Europe/Berlin',
  'America/New_York',
  'Australia/Sydney',
  'Europe/Dublin',
  'Pacific/Chatham',
  'Antarctica/Troll',
  'Australia/Lord_Howe',
  'America/Nuuk',
  'America/Scoresbysund',
  'America/Havana',
  'America/Santiago',
  'America/Asuncion',
  'Africa/Casablanca',
  'Africa/Cairo',
  'Asia/Beirut',
  'Asia/Gaza',
  'Asia/Jerusalem',
  'Asia/Almaty',
  'America/St_Johns',
  'Pacific/Auckland',
  'America/Mexico_City',
  'Asia/Kolkata',
  'UTC',
] as const;
const ODD_ZONES = [
  'Pacific/Chatham',
  'Antarctica/Troll',
  'Australia/Lord_Howe',
  'America/Nuuk',
  'America/Scoresbysund',
  'America/Havana',
  'America/Santiago',
  'Africa/Casablanca',
] as const;

interface OffsetTable {
  /** Ascending instants at which an offset starts (the first one before FROM). */
  readonly starts: number[];
  readonly offsets: number[];
}

const longOffset = new Map<string, Intl.DateTimeFormat>();
/** The offset Intl names for `zone` at `instant` ("GMT+05:45" -> ms), not through zoned-time.ts. */
function intlOffset(instant: number, zone: string): number {
  let f = longOffset.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    longOffset.set(zone, f);
  }
  const name = f.format(new Date(instant));
  const m = /GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(name);
  if (!m) throw new Error(`${zone}: unexpected offset name ${name}`);
  if (!m[1]) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * HOUR + Number(m[3]) * MINUTE);
}

const tables = new Map<string, OffsetTable>();
function tableOf(zone: string): OffsetTable {
  const known = tables.get(zone);
  if (known) return known;
  const start = FROM - 20 * DAY;
  const starts = [start];
  const offsets = [intlOffset(start, zone)];
  for (let lo = start; lo < TO + 20 * DAY; lo += 6 * HOUR) {
    const hi = lo + 6 * HOUR;
    const offset = intlOffset(hi, zone);
    if (offset === offsets[offsets.length - 1]) continue;
    let a = lo / MINUTE;
    let b = hi / MINUTE;
    while (b - a > 1) {
      const mid = Math.floor((a + b) / 2);
      if (intlOffset(mid * MINUTE, zone) === offsets[offsets.length - 1]) a = mid;
      else b = mid;
    }
    starts.push(b * MINUTE);
    offsets.push(offset);
  }
  const table = { starts, offsets };
  tables.set(zone, table);
  return table;
}

function offsetAt(table: OffsetTable, instant: number): number {
  let lo = 0;
  let hi = table.starts.length - 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if ((table.starts[mid] as number) <= instant) lo = mid;
    else hi = mid - 1;
  }
  return table.offsets[lo] as number;
}

/** The reading (UTC-encoded, to the minute) of the table at `instant`, checked against zonedParts. */
function checkedReading(table: OffsetTable, instant: number, zone: string): number {
  const reading = Math.floor(instant / MINUTE) * MINUTE + offsetAt(table, instant);
  const p = zonedParts(new Date(instant), zone);
  expect(reading, `${zone} at ${new Date(instant).toISOString()}: the table disagrees with Intl`).toBe(
    Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute),
  );
  return reading;
}

const minuteOfDay = (wall: number) => (((wall % DAY) + DAY) % DAY) / MINUTE;
/** ISO weekday of a UTC-encoded reading (1970-01-01 was a Thursday). */
const weekdayOf = (wall: number) => ((((Math.floor(wall / DAY) + 3) % 7) + 7) % 7) + 1;

/**
 * The brute force of a slot: the clock followed minute by minute from 26 hours before `after`;
 * each reading `matches` accepts is a slot at its first occurrence, or, when the clock jumps over
 * it, at the minute it jumped plus how far into the gap it is (past the gap by its length). The
 * earliest slot strictly after `after`, within `horizon`.
 */
function bruteSlot(
  zone: string,
  after: number,
  matches: (wall: number) => boolean,
  horizon = 9 * DAY,
): number | undefined {
  const table = tableOf(zone);
  let best = Number.POSITIVE_INFINITY;
  let seen = Number.NEGATIVE_INFINITY;
  let previous: number | undefined;
  const start = Math.floor(after / MINUTE) * MINUTE - 26 * HOUR;
  for (let t = start; t <= after + horizon && t <= best; t += MINUTE) {
    const reading = t + offsetAt(table, t);
    if (previous !== undefined && reading > previous + MINUTE) {
      // The clock jumped from `previous` (at t - 1 min) to `reading`: the readings between never show.
      for (let w = Math.max(previous, seen) + MINUTE; w < reading; w += MINUTE) {
        const slot = t - MINUTE + (w - previous);
        if (matches(w) && slot > after && slot < best) best = slot;
      }
    }
    if (reading > seen) {
      if (matches(reading) && t > after && t < best) best = t;
      seen = reading;
    }
    previous = reading;
  }
  return Number.isFinite(best) ? best : undefined;
}

/** The brute force of a window: `now` when the clock reads inside, else the first minute it does. */
function bruteWindowOpening(zone: string, now: number, inside: (wall: number) => boolean): number | undefined {
  const table = tableOf(zone);
  if (inside(Math.floor(now / MINUTE) * MINUTE + offsetAt(table, now))) return now;
  for (let t = Math.floor(now / MINUTE) * MINUTE + MINUTE; t <= now + 9 * DAY; t += MINUTE) {
    if (inside(t + offsetAt(table, t))) return t;
  }
  return undefined;
}

/**
 * An instant of 2023-2031: uniform, or within 30 hours of one of the zone's transitions (mostly
 * within 2.5 hours: between a gap's end and the slots it shifted). `hour` is an hour of the day for
 * the case: near a transition, one of the hours around the clock's reading just before it (the
 * hours a gap skips or a fall back repeats), else any.
 */
const casePick = fc.record({
  near: fc.oneof({ arbitrary: fc.constant(true), weight: 3 }, { arbitrary: fc.constant(false), weight: 1 }),
  index: fc.nat(),
  delta: fc.oneof(
    { arbitrary: fc.integer({ min: -150, max: 150 }).map((m) => m * MINUTE), weight: 4 },
    { arbitrary: fc.integer({ min: -30 * 60, max: 30 * 60 }).map((m) => m * MINUTE), weight: 1 },
    // Sometimes a ms off the minute (a trigger run's clock).
    { arbitrary: fc.integer({ min: -30 * HOUR, max: 30 * HOUR }), weight: 1 },
  ),
  uniform: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
  hourShift: fc.integer({ min: -1, max: 2 }),
  anyHour: fc.integer({ min: 0, max: 23 }),
});
type CasePick = typeof casePick extends fc.Arbitrary<infer T> ? T : never;
function caseOf(zone: string, pick: CasePick): { at: number; hour: number } {
  const { starts } = tableOf(zone);
  const transitions = starts.filter((s) => s >= FROM && s < TO);
  if (!pick.near || transitions.length === 0) {
    return { at: FROM + Math.floor(pick.uniform * (TO - FROM)), hour: pick.anyHour };
  }
  const transition = transitions[pick.index % transitions.length] as number;
  const before = zonedParts(new Date(transition - MINUTE), zone).hour;
  return { at: transition + pick.delta, hour: (before + pick.hourShift + 24) % 24 };
}
/** Any zone; more often one whose gaps are not an hour at 02:00. */
const zone = fc.oneof(
  { arbitrary: fc.constantFrom(...ZONES), weight: 1 },
  { arbitrary: fc.constantFrom(...ODD_ZONES), weight: 1 },
);
const weekdays = fc.subarray([1, 2, 3, 4, 5, 6, 7], { minLength: 1 });
const iso = (ms: number | undefined) => (ms === undefined ? 'none' : new Date(ms).toISOString());
// A few seconds alone; the margin is for a machine busy with other test files.
const TIMEOUT = 60_000;

describe('zoned "next instant" functions against a minute-by-minute brute force (2023-2031)', () => {
  beforeAll(() => {
    for (const z of ZONES) tableOf(z);
  }, TIMEOUT);

  it(
    'zonedInstant: a local date-time is its first occurrence, or past its gap by the gap length',
    () => {
      fc.assert(
        fc.property(zone, casePick, (z, pick) => {
          const t = caseOf(z, pick).at;
          const p = zonedParts(new Date(t), z);
          // Readings around the instant: its own, and ones a gap may skip (up to 2 hours on).
          for (const shift of [0, 15, 30, 45, 60, 90, 120]) {
            const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) + shift * MINUTE;
            const d = new Date(wall);
            const local = {
              year: d.getUTCFullYear(),
              month: d.getUTCMonth() + 1,
              day: d.getUTCDate(),
              hour: d.getUTCHours(),
              minute: d.getUTCMinutes(),
            };
            const want = bruteSlot(z, wall - 2 * DAY, (w) => w === wall, 4 * DAY);
            expect(iso(zonedInstant(local, z).getTime()), `${z} ${d.toISOString().slice(0, 16)}`).toBe(iso(want));
          }
        }),
        { numRuns: 150 },
      );
    },
    TIMEOUT,
  );

  it(
    'nextWindowOpening (a send window; the sender holds a mail until it): now inside, else the first instant inside',
    () => {
      fc.assert(
        fc.property(zone, casePick, weekdays, fc.integer({ min: 1, max: 10 }), (z, pick, days, length) => {
          const { at: now, hour } = caseOf(z, pick);
          const window: SendWindow = { weekdays: days, startHour: hour, endHour: Math.min(24, hour + length) };
          const inside = (w: number) =>
            window.weekdays.includes(weekdayOf(w)) &&
            minuteOfDay(w) >= window.startHour * 60 &&
            minuteOfDay(w) < window.endHour * 60;
          const got = nextWindowOpening(new Date(now), window, z).getTime();
          const want = bruteWindowOpening(z, now, inside);
          expect(iso(got), `${z} from ${iso(now)}, window ${JSON.stringify(window)}`).toBe(iso(want));
          if (got !== now) expect(inside(checkedReading(tableOf(z), got, z))).toBe(true);
        }),
        { numRuns: 1000 },
      );
    },
    TIMEOUT,
  );

  it(
    'nextTimeOfDay (a wait until a time of day): the earliest slot strictly after now',
    () => {
      fc.assert(
        fc.property(
          zone,
          casePick,
          fc.constantFrom(0, 1, 15, 30, 44, 45, 59),
          fc.option(weekdays, { nil: undefined }),
          (z, pick, minute, days) => {
            const { at: now, hour } = caseOf(z, pick);
            const matches = (w: number) =>
              minuteOfDay(w) === hour * 60 + minute && (days === undefined || days.includes(weekdayOf(w)));
            const got = nextTimeOfDay(new Date(now), { hour, minute, weekdays: days }, z).getTime();
            expect(iso(got), `${z} from ${iso(now)}, ${hour}:${minute} on ${String(days)}`).toBe(
              iso(bruteSlot(z, now, matches)),
            );
            checkedReading(tableOf(z), got, z);
          },
        ),
        { numRuns: 800 },
      );
    },
    TIMEOUT,
  );

  it(
    'nextFireInZone (a schedule trigger): the earliest slot after, and each slot is "the first after just before it"',
    () => {
      const minutes = fc.subarray([0, 1, 15, 29, 30, 31, 44, 45, 46, 59], { minLength: 1 });
      // Beside the case's hour: every hour, or up to three hours after it.
      const hours = fc.oneof(fc.constant(undefined), fc.subarray([0, 1, 2, 3], { minLength: 1 }));
      const DAY_NAMES = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'];
      fc.assert(
        fc.property(
          zone,
          casePick,
          minutes,
          hours,
          fc.option(weekdays, { nil: undefined }),
          (z, pick, mins, later, days) => {
            const { at: after, hour } = caseOf(z, pick);
            const hrs = later && [...new Set(later.map((h) => (hour + h) % 24))].sort((a, b) => a - b);
            const cron = `cron(${mins.join(',')} ${hrs ? hrs.join(',') : '*'} ${days ? '?' : '*'} * ${
              days ? days.map((d) => DAY_NAMES[d - 1]).join(',') : '?'
            } *)`;
            const matches = (w: number) =>
              mins.includes(minuteOfDay(w) % 60) &&
              (hrs === undefined || hrs.includes(Math.floor(minuteOfDay(w) / 60))) &&
              (days === undefined || days.includes(weekdayOf(w)));
            const schedule = parseSchedule(cron);
            const got = nextFireInZone(schedule, new Date(after), z)?.getTime();
            expect(iso(got), `${z} ${cron} after ${iso(after)}`).toBe(iso(bruteSlot(z, after, matches)));
            if (got === undefined) return;
            checkedReading(tableOf(z), got, z);
            // campaign-triggers.ts `isSlotOf`: a slot is the first one after just before it.
            expect(iso(nextFireInZone(schedule, new Date(got - 1), z)?.getTime()), `${z} ${cron}: isSlotOf`).toBe(
              iso(got),
            );
          },
        ),
        { numRuns: 500 },
      );
    },
    TIMEOUT,
  );
});

describe('examples the brute force found against the previous code (gaps at 23:00 and midnight)', () => {
  it('nextTimeOfDay, America/Nuuk 2024-03-30 (23:00 -> 00:00): Saturday 23:30 fires at 00:30 Sunday, also for a contact who arrives at 00:10', () => {
    // 00:10 -01 on Sunday 2024-03-31 is 01:10Z; Saturday's 23:30 is past the gap at 00:30 -01 (01:30Z).
    expect(
      nextTimeOfDay(new Date('2024-03-31T01:10:00Z'), { hour: 23, minute: 30 }, 'America/Nuuk').toISOString(),
    ).toBe('2024-03-31T01:30:00.000Z');
  });

  it('nextWindowOpening, America/Scoresbysund 2025-03-29: a Saturday 23:00-24:00 window the gap swallows opens the Saturday after', () => {
    // 22:59 -02 on Saturday: clocks jump 23:00 -> 00:00 (Sunday) a minute later.
    const opening = nextWindowOpening(
      new Date('2025-03-30T00:59:00Z'),
      { weekdays: [6], startHour: 23, endHour: 24 },
      'America/Scoresbysund',
    );
    expect(opening.toISOString()).toBe('2025-04-06T00:00:00.000Z'); // Saturday 2025-04-05 23:00 -01
  });

  it('nextFireInZone, America/Havana 2026-03-08 (00:00 -> 01:00): 00:30 fires at 01:30 CDT, found after the gap and from just before it', () => {
    const schedule = parseSchedule('cron(30 0 * * ? *)');
    const at = (after: string) => nextFireInZone(schedule, new Date(after), 'America/Havana')?.toISOString();
    expect(at('2026-03-08T05:10:00.000Z')).toBe('2026-03-08T05:30:00.000Z');
    expect(at('2026-03-08T05:29:59.999Z')).toBe('2026-03-08T05:30:00.000Z');
  });
});
