/**
 * EventBridge schedule expressions, so the local runtime fires declared schedules at the
 * times the cloud would (UTC), and campaign schedule triggers fire in a campaign's time zone
 * ({@link nextFireInZone}): `rate(5 minutes)` and six-field
 * `cron(minutes hours day-of-month month day-of-week year)` with `*` `?` `,` `-` `/` and
 * month/day names. The `L`, `W` and `#` forms are refused with a clear error rather than
 * silently misread.
 */
import { nextSlotInZone } from './zoned-time';

export class ScheduleExpressionError extends Error {
  override name = 'ScheduleExpressionError';
}

export type Schedule = { kind: 'rate'; everyMs: number } | { kind: 'cron'; fields: CronFields };

interface CronFields {
  minutes: Set<number>;
  hours: Set<number>;
  daysOfMonth: Set<number> | undefined; // undefined = `?`
  months: Set<number>;
  daysOfWeek: Set<number> | undefined; // 1 = Sunday, as in EventBridge
  years: Set<number>;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

export function parseSchedule(expression: string): Schedule {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (rate) {
    const n = Number(rate[1]);
    const unit = rate[2] as string;
    if (n < 1) throw new ScheduleExpressionError(`${expression}: the rate must be positive`);
    if ((n === 1) !== !unit.endsWith('s')) {
      throw new ScheduleExpressionError(
        `${expression}: EventBridge wants "1 ${unit.replace(/s$/, '')}" or "N ${unit}s"`,
      );
    }
    return { kind: 'rate', everyMs: n * (UNIT_MS[unit.replace(/s$/, '')] as number) };
  }
  const cron = /^cron\((.+)\)$/.exec(expression.trim());
  if (!cron) throw new ScheduleExpressionError(`${expression}: expected rate(...) or cron(...)`);
  const parts = (cron[1] as string).trim().split(/\s+/);
  if (parts.length !== 6) throw new ScheduleExpressionError(`${expression}: cron needs 6 fields, got ${parts.length}`);
  const [min, hour, dom, month, dow, year] = parts as [string, string, string, string, string, string];
  if ((dom === '?') === (dow === '?')) {
    throw new ScheduleExpressionError(`${expression}: exactly one of day-of-month and day-of-week must be "?"`);
  }
  return {
    kind: 'cron',
    fields: {
      minutes: field(min, 0, 59, expression),
      hours: field(hour, 0, 23, expression),
      daysOfMonth: dom === '?' ? undefined : field(dom, 1, 31, expression),
      months: field(month, 1, 12, expression, MONTHS),
      daysOfWeek: dow === '?' ? undefined : field(dow, 1, 7, expression, DAYS),
      years: field(year, 1970, 2199, expression),
    },
  };
}

function field(text: string, min: number, max: number, expr: string, names?: string[]): Set<number> {
  if (/[LW#]/.test(text.replace(/[A-Z]{3}/g, ''))) {
    throw new ScheduleExpressionError(`${expr}: the L, W and # forms are not supported locally`);
  }
  const value = (token: string): number => {
    const named = names?.indexOf(token.toUpperCase()) ?? -1;
    // Digits only: Number('') is 0 and Number('0x1') is 1, neither of which cron means.
    const n = named >= 0 ? named + min : /^\d+$/.test(token) ? Number(token) : Number.NaN;
    if (!Number.isInteger(n) || n < min || n > max)
      throw new ScheduleExpressionError(`${expr}: "${token}" is out of range`);
    return n;
  };
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const pieces = part.split('/');
    const [range, stepText] = pieces as [string, string | undefined];
    const step = stepText === undefined ? 1 : /^\d+$/.test(stepText) ? Number(stepText) : Number.NaN;
    if (pieces.length > 2 || !Number.isInteger(step) || step < 1)
      throw new ScheduleExpressionError(`${expr}: bad step in "${part}"`);
    let lo: number;
    let hi: number;
    if (range === '*') [lo, hi] = [min, max];
    else if (range.includes('-')) {
      const ends = range.split('-');
      if (ends.length !== 2) throw new ScheduleExpressionError(`${expr}: bad range "${range}"`);
      [lo, hi] = ends.map(value) as [number, number];
      // EventBridge has no wrap-around ranges: "59-0" would match nothing and never fire.
      if (lo > hi)
        throw new ScheduleExpressionError(`${expr}: the range "${range}" runs backwards (its start is after its end)`);
    } else [lo, hi] = [value(range), stepText === undefined ? value(range) : max];
    for (let n = lo; n <= hi; n += step) out.add(n);
  }
  // Unreachable with the checks above, but a field that matches nothing must never pass as a schedule.
  if (out.size === 0) throw new ScheduleExpressionError(`${expr}: "${text}" matches no value`);
  return out;
}

/**
 * The first fire time strictly after `after`, or undefined when there is none: the cron's last
 * year is over, or no day of its years matches (`31` in February, `30 2`...). The search moves a
 * year, a month, a day, an hour or a minute at a time and ends with the cron's last year (2199 at
 * most), so a cron that can never fire again is told apart from one that fires years from now.
 */
export function nextFire(schedule: Schedule, after: Date, anchor: Date = after): Date | undefined {
  if (schedule.kind === 'rate') {
    const elapsed = after.getTime() - anchor.getTime();
    const periods = Math.floor(elapsed / schedule.everyMs) + 1;
    return new Date(anchor.getTime() + periods * schedule.everyMs);
  }
  const f = schedule.fields;
  if (!someDayExists(f)) return undefined;
  const lastYear = Math.max(...f.years);
  const t = new Date(after.getTime());
  t.setUTCSeconds(0, 0);
  t.setUTCMinutes(t.getUTCMinutes() + 1);
  while (t.getUTCFullYear() <= lastYear) {
    if (!f.years.has(t.getUTCFullYear())) {
      t.setUTCFullYear(t.getUTCFullYear() + 1, 0, 1);
      t.setUTCHours(0, 0, 0, 0);
    } else if (!f.months.has(t.getUTCMonth() + 1)) {
      t.setUTCMonth(t.getUTCMonth() + 1, 1);
      t.setUTCHours(0, 0, 0, 0);
    } else if (!dayMatches(f, t)) {
      t.setUTCDate(t.getUTCDate() + 1);
      t.setUTCHours(0, 0, 0, 0);
    } else if (!f.hours.has(t.getUTCHours())) {
      t.setUTCHours(t.getUTCHours() + 1, 0, 0, 0);
    } else if (!f.minutes.has(t.getUTCMinutes())) {
      t.setUTCMinutes(t.getUTCMinutes() + 1, 0, 0);
    } else {
      return t;
    }
  }
  return undefined;
}

/** The most days each month can have (February in a leap year). */
const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Whether any day of month of the cron exists in any of its months (`31 2`: never). */
function someDayExists(f: CronFields): boolean {
  const days = f.daysOfMonth;
  if (!days) return true;
  return [...f.months].some((m) => [...days].some((d) => d <= (MONTH_DAYS[m - 1] as number)));
}

function dayMatches(f: CronFields, t: Date): boolean {
  if (f.daysOfMonth) return f.daysOfMonth.has(t.getUTCDate());
  return (f.daysOfWeek as Set<number>).has(t.getUTCDay() + 1);
}

/**
 * The first instant strictly after `after` at which `zone`'s wall clock matches a cron schedule.
 * The cron is evaluated on wall-clock readings, each a slot that fires once (zoned-time.ts
 * `nextSlotInZone`): a wall time in a spring-forward gap moves past the gap by its length (02:30 at
 * 03:30 when clocks jump 02:00 -> 03:00, found from any instant before 03:30, even one after the
 * gap), and a wall time that happens twice (fall back) fires at the first one.
 */
export function nextFireInZone(schedule: Schedule, after: Date, zone: string): Date | undefined {
  if (schedule.kind === 'rate') return nextFire(schedule, after);
  return nextSlotInZone(after, zone, (wall) => nextFire(schedule, new Date(wall))?.getTime());
}
