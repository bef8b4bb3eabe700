/**
 * Fires the declared schedules on timers, delivering the event shape an EventBridge
 * scheduled rule delivers (`detail-type: Scheduled Event`, `source: aws.events`), with
 * the declared constant `detail`.
 */
import { randomUUID } from 'node:crypto';
import type { ScheduledEvent } from 'aws-lambda';
import type { ScheduleDeclaration } from '../definition';
import type { FunctionHost } from './function-host';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './lambda-context';
import { nextFire, parseSchedule } from './schedule-expression';

export function scheduledEvent(decl: ScheduleDeclaration, time: Date): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: LOCAL_ACCOUNT,
    time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: LOCAL_REGION,
    resources: [`arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:rule/unite-hub-local-${decl.name}`],
    detail: { ...decl.detail },
  };
}

export function startScheduler(
  declarations: readonly ScheduleDeclaration[],
  functions: FunctionHost,
  log: (line: string) => void,
): { stop: () => void; next: () => Record<string, string | undefined> } {
  const timers = new Map<string, NodeJS.Timeout>();
  const upcoming = new Map<string, Date | undefined>();
  const anchor = new Date();

  const arm = (decl: ScheduleDeclaration, schedule: ReturnType<typeof parseSchedule>) => {
    const at = nextFire(schedule, new Date(), anchor);
    upcoming.set(decl.name, at);
    if (!at) return;
    // Timers cap at ~24.8 days; re-arm in steps so far-off schedules still fire on time.
    const delay = Math.min(at.getTime() - Date.now(), 2 ** 31 - 1);
    const timer = setTimeout(() => {
      if (Date.now() >= at.getTime()) {
        functions.invoke(decl.target, scheduledEvent(decl, at)).catch((error: unknown) => {
          log(`[schedule] ${decl.name} -> ${decl.target} failed: ${(error as Error).message}`);
        });
      }
      arm(decl, schedule);
    }, delay);
    timer.unref();
    timers.set(decl.name, timer);
  };

  for (const decl of declarations) arm(decl, parseSchedule(decl.expression));
  return {
    stop: () => {
      for (const t of timers.values()) clearTimeout(t);
    },
    next: () => Object.fromEntries([...upcoming].map(([k, v]) => [k, v?.toISOString()])),
  };
}
