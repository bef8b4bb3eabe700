/**
 * Wall-clock time in an IANA time zone, built on Intl's zone data, so daylight-saving changes
 * are right by construction: a local time that does not exist (the spring-forward gap) moves past
 * the gap by its length (02:30 -> 03:30); a local time that happens twice (fall back) is the
 * first one (the earliest instant), in every zone.
 * Used by campaign send windows and waits, and by cron schedules read in a zone.
 */

/** Whether `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone.length > 0 && zone.length <= 64;
  } catch {
    return false;
  }
}

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
