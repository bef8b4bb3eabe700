/**
 * Wall-clock time in an IANA time zone, built on Intl's zone data, so daylight-saving changes
 * are right by construction: a local time that does not exist (the spring-forward gap) moves past
 * the gap by its length (02:30 -> 03:30); a local time that happens twice (fall back) is the
 * first one (the earliest instant), in every zone.
 * Used by campaign send windows and waits, and by cron schedules read in a zone.
 */
import * as z from 'zod/mini';

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
  const name = resolvedZone(zone);
  // Offsets resolve to `+hh:mm` / `-hh:mm`; every IANA name starts with a letter.
  if (name === undefined || !/^[A-Za-z]/.test(name) || !/^[A-Za-z]/.test(zone)) return undefined;
  return name.toLowerCase() === zone.toLowerCase() ? name : zone;
}

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

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    });
    formatters.set(zone, f);
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

/** How far `zone`'s clock is ahead of UTC at `instant`, in ms (to the minute). */
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
