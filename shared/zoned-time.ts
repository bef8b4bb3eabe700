/**
 * Wall-clock time in an IANA time zone, built on Intl's zone data, so daylight-saving changes
 * are right by construction, for gaps and repeated spans of any length and start (Chatham's
 * 02:45, Troll's two hours, Nuuk's 23:00, Havana's midnight). Two rules of "the next time the
 * clock shows ...":
 * - a slot (a cron's, a wait until a time of day: {@link nextSlotInZone}) is a local date-time that
 *   happens once: at its first occurrence when it happens twice (fall back); when a spring-forward
 *   gap skips it, past the gap by the gap's length (02:30 -> 03:30 when clocks jump 02:00 -> 03:00),
 *   as {@link zonedInstant} reads it;
 * - a span of readings (a send window: {@link firstInstantReading}) starts at the first instant
 *   whose reading is in it: in a gap, the gap's end (a window from 03:00 opens at 03:45 when clocks
 *   jump 02:45 -> 03:45); after a fall back that brings the clock back into it, again.
 * Used by campaign send windows and waits, and by cron schedules read in a zone.
 */
import * as z from 'zod/mini';
import LRUCache from './aws/lru-cache';

/** The zone's name as Intl resolves it, or undefined when this runtime's Intl refuses it. */
function resolvedZone(zone: string): string | undefined {
  if (zone.length === 0 || zone.length > 64) return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/**
 * The name to store of an IANA time zone this runtime knows: as given, with its case corrected
 * when it is the name Intl resolves it to (`utc` -> `UTC`, `europe/berlin` -> `Europe/Berlin`).
 * An alias is kept as written (`Asia/Kolkata`, `Europe/Kyiv`, `US/Pacific`): Intl resolves those to
 * ICU's older canonical names (`Asia/Calcutta`, `Europe/Kiev`, `America/Los_Angeles`), which a user
 * never typed; every runtime reads either. Undefined for anything else. A UTC offset (`+05:00`,
 * `-0830`) is no IANA zone: Node 24's Intl takes one, Node 20's refuses it, and it has no
 * daylight-saving rules; refused here on every runtime.
 */
export function ianaTimeZone(zone: string): string | undefined {
  const name = resolvedIanaZone(zone);
  if (name === undefined) return undefined;
  return name.toLowerCase() === zone.toLowerCase() ? name : zone;
}

/** The name Intl resolves `zone` to when it is an IANA zone (not a UTC offset), else undefined. */
function resolvedIanaZone(zone: string): string | undefined {
  const name = resolvedZone(zone);
  // Offsets resolve to `+hh:mm` / `-hh:mm`; every IANA name starts with a letter.
  if (name === undefined || !/^[A-Za-z]/.test(name) || !/^[A-Za-z]/.test(zone)) return undefined;
  return name;
}

/**
 * The name Intl resolves an IANA time zone to, in any spelling or alias (`america/argentina/BUENOS_aires`
 * -> `America/Buenos_Aires`, `asia/kolkata` -> `Asia/Calcutta` on Node 20 and 24): one name per zone,
 * for a zone read from free text to compute with (a contact's `timeZone` field,
 * dynamo-campaign-contacts.ts), never one to show. Undefined for a UTC offset and anything
 * {@link ianaTimeZone} refuses.
 */
export const canonicalTimeZone = (zone: string): string | undefined => resolvedIanaZone(zone);

/** Whether `zone` is an IANA time zone this runtime knows (in any spelling Intl resolves; see {@link ianaTimeZone}). */
export const isTimeZone = (zone: string): boolean => ianaTimeZone(zone) !== undefined;

/**
 * The one schema of a time zone given as input (a campaign's `rules.timeZone`, a schedule trigger's
 * `timeZone`, the setting `workspace.time_zone`; re-exported by campaigns/send-window.ts): an IANA
 * zone in any spelling Intl resolves (`utc`, `europe/berlin`, the alias `US/Pacific`), stored
 * with its case corrected and aliases as written ({@link ianaTimeZone}). A UTC offset (`+05:00`) is refused: it is no zone (no daylight-saving rules),
 * and Node 20 refuses what Node 24 takes.
 */
export const timeZone = z.string().check(
  z.refine(isTimeZone, 'Not a known IANA time zone (e.g. "Europe/Berlin"; a UTC offset such as "+05:00" is not one)'),
  z.overwrite((zone) => ianaTimeZone(zone) ?? zone),
);

/**
 * Whether this runtime can read wall-clock time in `zone` at all: an IANA zone, or (Node 24) a UTC
 * offset. Only for zones stored before offsets were refused (a campaign's rules saved then): what
 * is read back keeps working; every input is checked with {@link isTimeZone}.
 */
export const isReadableZone = (zone: string): boolean => resolvedZone(zone) !== undefined;

export interface ZonedParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  /** ISO weekday, 1 = Monday ... 7 = Sunday. */
  readonly weekday: number;
}

/**
 * The wall-clock formatters kept, one per zone as Intl resolves it (each holds ~14 KB of ICU
 * memory), the most recently used: a runtime knows ~600 zones, and Node 24 reads UTC offsets too
 * (a zone stored before they were refused). Keyed by the resolved name, not by the spelling asked
 * for: Intl takes any letter case (2^29 spellings of `America/Argentina/Buenos_Aires`) and aliases,
 * and a zone can come from free text (a contact's field), so a cache keyed by spelling grew without
 * end (review round 26: 20,000 spellings, ~285 MB).
 */
const formatters = new LRUCache<string, Intl.DateTimeFormat>(256);
/** The resolved name of each spelling asked for lately (a short string each): no resolution per reading. */
const resolvedNames = new LRUCache<string, string>(1024);

function formatter(zone: string): Intl.DateTimeFormat {
  let name = resolvedNames.get(zone);
  if (name === undefined) {
    // Unknown to Intl: built as asked below, which throws the RangeError it always did.
    name = resolvedZone(zone);
    if (name !== undefined) resolvedNames.set(zone, name);
  }
  const key = name ?? zone;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: key,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    });
    formatters.set(key, f);
  }
  return f;
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** The wall-clock reading of `instant` in `zone`. */
export function zonedParts(instant: Date, zone: string): ZonedParts {
  const parts: Record<string, string> = {};
  for (const p of formatter(zone).formatToParts(instant)) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    weekday: WEEKDAYS[parts.weekday as string] ?? 1,
  };
}

/** How far `zone`'s clock is ahead of UTC at `instant`, in ms (to the minute; offsets change on a minute). */
function offsetMs(instant: number, zone: string): number {
  const p = zonedParts(new Date(instant), zone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
  return asUtc - Math.floor(instant / 60_000) * 60_000;
}

/**
 * The instant `zone`'s clock shows the given local date and time. A repeated reading (fall back)
 * is its first occurrence, the earliest instant, east or west of UTC; a reading in a
 * spring-forward gap is read with the offset from before the gap, so it lands past the gap by the
 * gap's length (02:30 -> 03:30 when clocks jump 02:00 -> 03:00; the gap's start -> its end).
 */
export function zonedInstant(
  local: { year: number; month: number; day: number; hour: number; minute: number },
  zone: string,
): Date {
  const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
  // The instant sought is within 14 h of `wall`, so the offsets a day either side are the ones
  // in force around it: the same when no transition is near, before and after one otherwise.
  const before = offsetMs(wall - 86_400_000, zone);
  const after = offsetMs(wall + 86_400_000, zone);
  const candidates = [wall - before, wall - after, wall - offsetMs(wall, zone)].sort((a, b) => a - b);
  for (const c of candidates) {
    const p = zonedParts(new Date(c), zone);
    if (
      p.year === local.year &&
      p.month === local.month &&
      p.day === local.day &&
      p.hour === local.hour &&
      p.minute === local.minute
    ) {
      return new Date(c);
    }
  }
  // In a spring-forward gap: the offset before the gap carries the time past it (02:30 -> 03:30).
  return new Date(wall - before);
}

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Offsets are sampled this far apart to find a change: no zone changes its offset twice within it. */
const SAMPLE = 6 * 3_600_000;

/**
 * The first instant in (from, to] at which `zone`'s offset is no longer `offset` (the minute its
 * clock jumps), or undefined when it holds throughout: sampled every 6 hours, then halved to the
 * minute.
 */
function offsetChange(from: number, to: number, offset: number, zone: string): number | undefined {
  for (let lo = from; lo < to; lo += SAMPLE) {
    const hi = Math.min(lo + SAMPLE, to);
    if (offsetMs(hi, zone) === offset) continue;
    // The first minute in (lo, hi] with another offset: `first` has the old one, `last` the new.
    let first = Math.floor(lo / MINUTE);
    let last = Math.floor(hi / MINUTE);
    while (last - first > 1) {
      const mid = Math.floor((first + last) / 2);
      if (offsetMs(mid * MINUTE, zone) === offset) first = mid;
      else last = mid;
    }
    return last * MINUTE;
  }
  return undefined;
}

/**
 * The first instant at or after `from` at which `zone`'s clock shows a reading of a set:
 * `firstReadingFrom(wall)` answers the first reading of the set at or after the reading `wall`
 * (the UTC instant with the same reading, to the ms), undefined when there is none. The
 * clock is followed from `from` one offset at a time, so a reading the set holds that a gap skips
 * is met at the gap's end, and one a fall back shows again is met again. Undefined when the set has
 * no reading ahead, or none within `maxChanges` offset changes.
 */
export function firstInstantReading(
  from: Date,
  zone: string,
  firstReadingFrom: (wall: number) => number | undefined,
  maxChanges = 8,
): Date | undefined {
  let start = from.getTime();
  for (let pass = 0; pass <= maxChanges; pass += 1) {
    const offset = offsetMs(start, zone);
    const wall = firstReadingFrom(start + offset);
    if (wall === undefined) return undefined;
    // When the clock shows `wall` if the offset holds until then; else look again from its change.
    const at = wall - offset;
    const change = offsetChange(start, at, offset, zone);
    if (change === undefined) return at === from.getTime() ? from : new Date(at);
    start = change;
  }
  return undefined;
}

/**
 * The first slot strictly after `after`: each reading `nextReadingAfter` yields (the first of its
 * set strictly after a UTC-encoded reading, undefined when there is none) is one slot, at the
 * instant {@link zonedInstant} gives it (its first occurrence; in a gap, past it by the gap's
 * length). That shift makes the order of slots and readings differ near a gap: a reading in a gap
 * that ended just before `after` still fires after it (02:30 at 03:30 when `after` reads 03:10),
 * and a reading in a gap fires after the readings of the gap's length that follow the gap (02:30 at
 * 03:30, after 03:00 and 03:15). So the readings are followed from a gap's length before `after`'s,
 * and past the first slot found by its own shift, and the earliest slot wins.
 */
export function nextSlotInZone(
  after: Date,
  zone: string,
  nextReadingAfter: (wall: number) => number | undefined,
): Date | undefined {
  const from = after.getTime();
  const offset = offsetMs(from, zone);
  // A spring-forward in the day before `after` (the offset grew): its skipped readings fire up to
  // its length after it.
  const owed = Math.max(0, offset - offsetMs(from - DAY, zone));
  let best: number | undefined;
  let until = Number.POSITIVE_INFINITY;
  for (let wall = nextReadingAfter(from + offset - owed); wall !== undefined && wall <= until; ) {
    const at = zonedInstant(wallParts(wall), zone).getTime();
    if (at > from && (best === undefined || at < best)) {
      // After the first slot found, only a reading up to its shift later can fire before it: up to
      // the slot's own reading (its wall, or in a gap its wall plus the gap's length).
      if (best === undefined) until = at + offsetMs(at, zone);
      best = at;
    }
    wall = nextReadingAfter(wall);
  }
  return best === undefined ? undefined : new Date(best);
}

/** The local date and time of a UTC-encoded reading (to the minute). */
function wallParts(wall: number): { year: number; month: number; day: number; hour: number; minute: number } {
  const d = new Date(wall);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
  };
}

/** The ISO weekday (1 = Monday ... 7 = Sunday) of a UTC-encoded reading. */
export function wallWeekday(wall: number): number {
  return ((new Date(wall).getUTCDay() + 6) % 7) + 1;
}
