/**
 * One-time EventBridge Scheduler expressions, `at(yyyy-mm-ddThh:mm:ss)`, read in their
 * `ScheduleExpressionTimezone` (an IANA zone, UTC when absent), as the service reads them.
 */
import { isTimeZone, zonedInstant } from '../../shared/zoned-time';

export { isTimeZone };

const AT = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/;

/** The instant (epoch ms) an `at()` expression names, or undefined when it is not one (or not a real date). */
export function atInstant(expression: string, zone = 'UTC'): number | undefined {
  const match = AT.exec(expression);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const back = new Date(wall);
  // Date.UTC rolls 2024-02-31 over into March: such a date does not exist.
  if (back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  if (zone === 'UTC') return wall;
  // Zone offsets are whole minutes: the seconds carry over as they are.
  return zonedInstant({ year, month, day, hour, minute }, zone).getTime() + second * 1000;
}
