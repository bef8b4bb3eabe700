/**
 * A local EventBridge Scheduler endpoint speaking the service's REST-JSON protocol, so the
 * functions set campaign step timers with the real `@aws-sdk/client-scheduler` client
 * (`AWS_ENDPOINT_URL_SCHEDULER` points it here). Not to be confused with scheduler.ts, which
 * fires the *declared* recurring schedules.
 *
 * Supported: CreateSchedule, GetSchedule, UpdateSchedule, DeleteSchedule, ListSchedules and
 * Create/Get/Delete/ListScheduleGroups, with the service's paths, fields and errors
 * (ConflictException 409 for a taken name, ResourceNotFoundException 404, ValidationException
 * 400). A CreateSchedule retried with the same ClientToken returns the schedule it made.
 * Schedules are one-time `at(yyyy-mm-ddThh:mm:ss)` in their ScheduleExpressionTimezone (UTC by
 * default); `rate()` and `cron()` are refused: nothing local needs them. Targets are SQS queues
 * (an ARN as the SQS emulator names them): when a schedule is due, its `Input` is sent as the
 * message body with the real SQS client, then the schedule is deleted (ActionAfterCompletion
 * DELETE) or kept, inert (NONE). A FLEXIBLE window fires at its start.
 *
 * The `at()` times are campaign times, compared with the runtime's campaign clock (`clock`:
 * TIME_SCALE, carried on across restarts, shared/clock.ts), so a schedule set at one TIME_SCALE
 * fires when campaign time reaches it under any other; with no clock (and in the cloud, whose
 * campaign time is the wall clock) that is the wall clock, as the service reads them.
 *
 * Schedules are journalled under `DATA_DIR` (scheduler-store.ts): one whose campaign time came
 * while the runtime was down (a kill: campaign time ran on) fires at the next start. A failed send is logged and retried with backoff
 * (capped at 30 s) for as long as the stand-in runs; the schedule stays stored until it is
 * delivered, so what is still undelivered at `stop()` goes at the next start (at least once,
 * like the service).
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetQueueUrlCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type Clock, scaledClock } from '../../shared/clock';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './lambda-context';
import { answerFailure, guardedListener, requestTarget, UNPARSEABLE_TARGET } from './request-target';
import { retryingDelivery } from './retrying-delivery';
import { atInstant, isTimeZone } from './scheduler-expression-at';
import { SchedulerStore, type StoredGroup, type StoredSchedule, type StoredTarget } from './scheduler-store';

export interface LocalSchedulerServer {
  endpoint: string;
  /** Stored schedules (tests, diagnostics). */
  schedules(): StoredSchedule[];
  /** Due schedules not delivered yet (waiting or being retried). */
  pendingDeliveries(): number;
  stop(): Promise<void>;
}

export interface LocalSchedulerOptions {
  dataDir: string;
  /** Delivers to the SQS emulator. */
  sqs: SQSClient;
  /** Queue ARN -> URL of the local queues; other ARNs are looked up by name (GetQueueUrl). */
  queueUrls?: Readonly<Record<string, string>>;
  /** Groups that exist from the start, besides `default` (the stage's campaign-steps group). */
  groups?: readonly string[];
  /**
   * The campaign clock the `at()` times are read on (the runtime's: TIME_SCALE, carried on across
   * restarts): a schedule fires when campaign time reaches it, whatever scale the run that set it
   * had. The wall clock by default (as the service: the cloud's campaign time is the wall clock).
   */
  clock?: Clock;
  host?: string;
  port?: number;
  log?: (line: string) => void;
}

/** setTimeout's limit (~24.8 days); a later schedule re-arms on the way. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const NAME = /^[0-9a-zA-Z\-_.]{1,64}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[0-9a-zA-Z+=,.@\-_/]{1,512}$/;
const QUEUE_ARN = /^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:([0-9a-zA-Z\-_]{1,80}(?:\.fifo)?)$/;

export const localScheduleArn = (group: string, name: string): string =>
  `arn:aws:scheduler:${LOCAL_REGION}:${LOCAL_ACCOUNT}:schedule/${group}/${name}`;
export const localScheduleGroupArn = (group: string): string =>
  `arn:aws:scheduler:${LOCAL_REGION}:${LOCAL_ACCOUNT}:schedule-group/${group}`;
/** A role ARN for the local schedules' targets: shaped like one, assumed by nothing. */
export const LOCAL_SCHEDULER_ROLE_ARN = `arn:aws:iam::${LOCAL_ACCOUNT}:role/unite-hub-local-step-timers-scheduler`;

class ServiceError extends Error {
  constructor(
    readonly type: 'ValidationException' | 'ConflictException' | 'ResourceNotFoundException',
    message: string,
  ) {
    super(message);
  }
  get status(): number {
    return { ValidationException: 400, ConflictException: 409, ResourceNotFoundException: 404 }[this.type];
  }
}

/** The service's wording for a field that fails a constraint. */
const invalid = (field: string, value: unknown, constraint: string) =>
  new ServiceError(
    'ValidationException',
    `1 validation error detected: Value ${value === undefined ? 'null' : JSON.stringify(value)} at '${field}' failed to satisfy constraint: ${constraint}`,
  );

export async function startSchedulerServer(opts: LocalSchedulerOptions): Promise<LocalSchedulerServer> {
  const log = opts.log ?? (() => undefined);
  const store = new SchedulerStore(opts.dataDir, log);
  const nowSeconds = () => Date.now() / 1000;
  for (const name of ['default', ...(opts.groups ?? [])]) {
    if (!store.groups.has(name))
      store.putGroup({ Name: name, Arn: localScheduleGroupArn(name), CreationDate: nowSeconds() });
  }
  const clock = opts.clock ?? scaledClock();
  const delivery = deliveries(store, opts, clock, log);
  const timers = dueTimers(store, clock, (s) => delivery.enqueue(s));

  const existingGroup = (name: string): StoredGroup => {
    const group = store.groups.get(name);
    if (!group) throw new ServiceError('ResourceNotFoundException', `Schedule group ${name} does not exist.`);
    return group;
  };
  const existing = (group: string, name: string): StoredSchedule => {
    existingGroup(group);
    const schedule = store.get(group, name);
    if (!schedule) throw new ServiceError('ResourceNotFoundException', `Schedule ${name} does not exist.`);
    return schedule;
  };
  const save = (schedule: StoredSchedule) => {
    store.put(schedule);
    timers.consider(schedule);
    return { ScheduleArn: schedule.Arn };
  };

  const routes: Array<[string, RegExp, (req: Request) => unknown]> = [
    [
      'POST',
      /^\/schedules\/([^/]+)$/,
      ({ param, body }) => {
        const schedule = scheduleFrom(param, body, undefined);
        existingGroup(schedule.GroupName);
        const taken = store.get(schedule.GroupName, schedule.Name);
        if (taken) {
          // The SDK retries with the same token: the first attempt's schedule is the answer.
          if (taken.ClientToken !== undefined && taken.ClientToken === schedule.ClientToken) {
            return { ScheduleArn: taken.Arn };
          }
          throw new ServiceError('ConflictException', `Schedule ${schedule.Name} already exists.`);
        }
        return save(schedule);
      },
    ],
    [
      'PUT',
      /^\/schedules\/([^/]+)$/,
      ({ param, body }) => {
        const before = existing(groupOf(body.GroupName), param);
        return save(scheduleFrom(param, body, before));
      },
    ],
    ['GET', /^\/schedules\/([^/]+)$/, ({ param, query }) => view(existing(groupOf(query.get('groupName')), param))],
    [
      'DELETE',
      /^\/schedules\/([^/]+)$/,
      ({ param, query }) => {
        const schedule = existing(groupOf(query.get('groupName')), param);
        store.delete(schedule.GroupName, schedule.Name);
        return {};
      },
    ],
    ['GET', /^\/schedules$/, ({ query }) => listSchedules(store, query)],
    [
      'POST',
      /^\/schedule-groups\/([^/]+)$/,
      ({ param }) => {
        if (!NAME.test(param))
          throw invalid('name', param, 'Member must satisfy regular expression pattern: [0-9a-zA-Z-_.]+');
        if (store.groups.has(param))
          throw new ServiceError('ConflictException', `Schedule group ${param} already exists.`);
        const group = { Name: param, Arn: localScheduleGroupArn(param), CreationDate: nowSeconds() };
        store.putGroup(group);
        return { ScheduleGroupArn: group.Arn };
      },
    ],
    ['GET', /^\/schedule-groups\/([^/]+)$/, ({ param }) => groupView(existingGroup(param))],
    [
      'DELETE',
      /^\/schedule-groups\/([^/]+)$/,
      ({ param }) => {
        if (param === 'default')
          throw new ServiceError('ValidationException', 'The default schedule group cannot be deleted.');
        existingGroup(param);
        store.deleteGroup(param);
        return {};
      },
    ],
    [
      'GET',
      /^\/schedule-groups$/,
      ({ query }) => ({
        ScheduleGroups: [...store.groups.values()]
          .filter((g) => g.Name.startsWith(query.get('NamePrefix') ?? ''))
          .sort((a, b) => a.Name.localeCompare(b.Name))
          .map(groupView),
      }),
    ],
  ];

  const answer = (req: http.IncomingMessage, res: http.ServerResponse, chunks: Buffer[]) => {
    // Parsed without throwing: `GET //` is a valid request line, and `new URL('//', base)` throws.
    const target = requestTarget(req.url);
    let status = 200;
    let payload: unknown;
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID() };
    try {
      if (!target) throw new ServiceError('ValidationException', UNPARSEABLE_TARGET);
      const route = routes.find(([method, path]) => method === req.method && path.test(target.pathname));
      if (!route) {
        throw new ServiceError('ValidationException', `${req.method} ${target.pathname} is not supported locally`);
      }
      const param = decodeURIComponent(route[1].exec(target.pathname)?.[1] ?? '');
      payload = route[2]({ param, query: target.searchParams, body: parseBody(chunks) });
    } catch (error) {
      const known = error instanceof ServiceError;
      status = known ? error.status : 500;
      const type = known ? error.type : 'InternalServerException';
      headers['x-amzn-errortype'] = type;
      payload = { Message: (error as Error).message };
      if (!known) log(`[scheduler] ${req.method} ${target?.pathname} failed: ${(error as Error).message}`);
    }
    res.writeHead(status, headers);
    res.end(JSON.stringify(payload));
  };
  // Guarded, the 'end' callback too (it runs outside the listener): no request may throw out of
  // them and end the runtime.
  const server = http.createServer(
    guardedListener(
      'scheduler',
      (req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          try {
            answer(req, res, chunks);
          } catch (error) {
            answerFailure('scheduler', req, res, error, log);
          }
        });
      },
      log,
    ),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  // Due while the runtime was down: delivered now.
  timers.rescan();

  return {
    endpoint: `http://127.0.0.1:${port}`,
    schedules: () => [...store.schedules.values()],
    pendingDeliveries: () => delivery.pending(),
    stop: async () => {
      timers.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await delivery.stop();
    },
  };
}

interface Request {
  readonly param: string;
  readonly query: URLSearchParams;
  readonly body: Record<string, unknown>;
}

function parseBody(chunks: Buffer[]): Record<string, unknown> {
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ServiceError('ValidationException', 'The request body is not valid JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ServiceError('ValidationException', 'The request body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

const groupOf = (value: unknown): string => (typeof value === 'string' && value !== '' ? value : 'default');

const optionalString = (body: Record<string, unknown>, field: string, max: number): string | undefined => {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > max) {
    throw invalid(field, value, `Member must have length less than or equal to ${max}`);
  }
  return value;
};

/** A schedule from a Create/UpdateSchedule body, checked as the service checks it. */
function scheduleFrom(name: string, body: Record<string, unknown>, before: StoredSchedule | undefined): StoredSchedule {
  if (!NAME.test(name)) throw invalid('name', name, 'Member must satisfy regular expression pattern: [0-9a-zA-Z-_.]+');
  const group = groupOf(body.GroupName);
  if (!NAME.test(group)) {
    throw invalid('groupName', group, 'Member must satisfy regular expression pattern: [0-9a-zA-Z-_.]+');
  }
  const expression = body.ScheduleExpression;
  if (typeof expression !== 'string' || expression.length < 1 || expression.length > 256) {
    throw invalid('scheduleExpression', expression, 'Member must not be null');
  }
  const zone = optionalString(body, 'ScheduleExpressionTimezone', 50);
  if (zone !== undefined && !isTimeZone(zone)) {
    throw new ServiceError('ValidationException', `Invalid ScheduleExpressionTimezone ${zone}.`);
  }
  if (/^(rate|cron)\(/.test(expression)) {
    throw new ServiceError(
      'ValidationException',
      `Recurring schedules (${expression}) are not supported by the local EventBridge Scheduler stand-in: only one-time at(yyyy-mm-ddThh:mm:ss) schedules are. The declared recurring schedules run from lib/local/scheduler.ts.`,
    );
  }
  const dueAtMs = atInstant(expression, zone ?? 'UTC');
  if (dueAtMs === undefined)
    throw new ServiceError('ValidationException', `Invalid Schedule Expression ${expression}.`);

  const window = body.FlexibleTimeWindow as { Mode?: unknown; MaximumWindowInMinutes?: unknown } | undefined;
  if (!window || (window.Mode !== 'OFF' && window.Mode !== 'FLEXIBLE')) {
    throw invalid('flexibleTimeWindow.mode', window?.Mode, 'Member must satisfy enum value set: [OFF, FLEXIBLE]');
  }
  const maxWindow = window.MaximumWindowInMinutes;
  if (
    window.Mode === 'FLEXIBLE' &&
    !(Number.isInteger(maxWindow) && (maxWindow as number) >= 1 && (maxWindow as number) <= 1440)
  ) {
    throw new ServiceError(
      'ValidationException',
      'MaximumWindowInMinutes must be between 1 and 1440 with Mode FLEXIBLE.',
    );
  }
  const state = body.State ?? 'ENABLED';
  if (state !== 'ENABLED' && state !== 'DISABLED') {
    throw invalid('state', state, 'Member must satisfy enum value set: [ENABLED, DISABLED]');
  }
  const after = body.ActionAfterCompletion ?? 'NONE';
  if (after !== 'NONE' && after !== 'DELETE') {
    throw invalid('actionAfterCompletion', after, 'Member must satisfy enum value set: [NONE, DELETE]');
  }
  const target = targetFrom(body.Target);
  const description = optionalString(body, 'Description', 512);
  const kmsKeyArn = optionalString(body, 'KmsKeyArn', 2048);
  const clientToken = optionalString(body, 'ClientToken', 64);
  const date = (field: 'StartDate' | 'EndDate') =>
    typeof body[field] === 'number' ? (body[field] as number) : undefined;
  const startDate = date('StartDate');
  const endDate = date('EndDate');
  const now = Date.now() / 1000;
  return {
    Name: name,
    GroupName: group,
    Arn: localScheduleArn(group, name),
    ScheduleExpression: expression,
    ...(zone !== undefined ? { ScheduleExpressionTimezone: zone } : {}),
    ...(description !== undefined ? { Description: description } : {}),
    ...(startDate !== undefined ? { StartDate: startDate } : {}),
    ...(endDate !== undefined ? { EndDate: endDate } : {}),
    ...(kmsKeyArn !== undefined ? { KmsKeyArn: kmsKeyArn } : {}),
    State: state,
    ActionAfterCompletion: after,
    FlexibleTimeWindow:
      window.Mode === 'OFF' ? { Mode: 'OFF' } : { Mode: 'FLEXIBLE', MaximumWindowInMinutes: maxWindow as number },
    Target: target,
    CreationDate: before?.CreationDate ?? now,
    LastModificationDate: now,
    ...(clientToken !== undefined ? { ClientToken: clientToken } : {}),
    dueAtMs,
  };
}

function targetFrom(value: unknown): StoredTarget {
  if (typeof value !== 'object' || value === null) throw invalid('target', undefined, 'Member must not be null');
  const target = value as Record<string, unknown>;
  if (typeof target.Arn !== 'string' || target.Arn === '')
    throw invalid('target.arn', target.Arn, 'Member must not be null');
  if (typeof target.RoleArn !== 'string' || !ROLE_ARN.test(target.RoleArn)) {
    throw invalid(
      'target.roleArn',
      target.RoleArn,
      'Member must satisfy regular expression pattern: ^arn:aws(-[a-z]+)?:iam::\\d{12}:role\\/[\\w+=,.@\\/-]+$',
    );
  }
  if (!QUEUE_ARN.test(target.Arn)) {
    // The service would take any target and fail at invocation; locally only SQS can be reached.
    throw new ServiceError(
      'ValidationException',
      `The local EventBridge Scheduler stand-in delivers to SQS queues only; ${target.Arn} is not an SQS queue ARN.`,
    );
  }
  if (target.Input !== undefined && (typeof target.Input !== 'string' || target.Input.length > 8192)) {
    throw invalid('target.input', target.Input, 'Member must have length less than or equal to 8192');
  }
  const sqs = target.SqsParameters as { MessageGroupId?: unknown } | undefined;
  return {
    Arn: target.Arn,
    RoleArn: target.RoleArn,
    ...(typeof target.Input === 'string' ? { Input: target.Input } : {}),
    ...(typeof sqs?.MessageGroupId === 'string' ? { SqsParameters: { MessageGroupId: sqs.MessageGroupId } } : {}),
    ...(typeof target.RetryPolicy === 'object' && target.RetryPolicy !== null
      ? { RetryPolicy: target.RetryPolicy as StoredTarget['RetryPolicy'] & object }
      : {}),
    ...(typeof target.DeadLetterConfig === 'object' && target.DeadLetterConfig !== null
      ? { DeadLetterConfig: target.DeadLetterConfig as StoredTarget['DeadLetterConfig'] & object }
      : {}),
  };
}

/** GetSchedule's answer: the stored schedule without the stand-in's own fields. */
function view({ dueAtMs: _due, firedAtMs: _fired, ClientToken: _token, ...schedule }: StoredSchedule) {
  return schedule;
}

const groupView = (g: StoredGroup) => ({
  Arn: g.Arn,
  Name: g.Name,
  State: 'ACTIVE',
  CreationDate: g.CreationDate,
  LastModificationDate: g.CreationDate,
});

function listSchedules(store: SchedulerStore, query: URLSearchParams) {
  const group = query.get('ScheduleGroup');
  const prefix = query.get('NamePrefix') ?? '';
  const state = query.get('State');
  const max = query.has('MaxResults') ? Number(query.get('MaxResults')) : 100;
  if (!Number.isInteger(max) || max < 1 || max > 100) {
    throw invalid('maxResults', max, 'Member must have value less than or equal to 100');
  }
  const after = query.has('NextToken') ? Buffer.from(query.get('NextToken') as string, 'base64url').toString() : '';
  const sortKey = (s: StoredSchedule) => `${s.GroupName}\u0000${s.Name}`;
  const matching = [...store.schedules.values()]
    .filter((s) => (group === null || s.GroupName === group) && s.Name.startsWith(prefix))
    .filter((s) => state === null || s.State === state)
    .filter((s) => sortKey(s) > after)
    .sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1));
  const page = matching.slice(0, max);
  const last = page.at(-1);
  return {
    Schedules: page.map((s) => ({
      Arn: s.Arn,
      Name: s.Name,
      GroupName: s.GroupName,
      State: s.State,
      CreationDate: s.CreationDate,
      LastModificationDate: s.LastModificationDate,
      Target: { Arn: s.Target.Arn },
    })),
    ...(matching.length > max && last ? { NextToken: Buffer.from(sortKey(last)).toString('base64url') } : {}),
  };
}

const waiting = (s: StoredSchedule) => s.State === 'ENABLED' && s.firedAtMs === undefined;

/**
 * One timer, armed for the earliest waiting schedule (at most MAX_TIMER_MS ahead: it re-arms). Due
 * times are campaign times: the real wait is the campaign clock's (a timer that wakes early re-arms).
 */
function dueTimers(store: SchedulerStore, clock: Clock, due: (s: StoredSchedule) => void) {
  let timer: NodeJS.Timeout | undefined;
  let armedFor = Number.POSITIVE_INFINITY;
  let stopped = false;
  const armAt = (at: number) => {
    if (stopped || at >= armedFor) return;
    if (timer) clearTimeout(timer);
    armedFor = at;
    timer = setTimeout(rescan, Math.min(MAX_TIMER_MS, clock.realDelayMs(new Date(at))));
  };
  function rescan() {
    timer = undefined;
    armedFor = Number.POSITIVE_INFINITY;
    const now = clock.now().getTime();
    let next = Number.POSITIVE_INFINITY;
    for (const s of store.schedules.values()) {
      if (!waiting(s)) continue;
      if (s.dueAtMs <= now) due(s);
      else next = Math.min(next, s.dueAtMs);
    }
    if (next !== Number.POSITIVE_INFINITY) armAt(next);
  }
  return {
    rescan,
    /** A created or updated schedule: due earlier than the armed time, it re-arms the timer. */
    consider(s: StoredSchedule) {
      if (waiting(s)) armAt(s.dueAtMs);
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}

/** Sends due schedules' Input to their queues, one at a time, retrying a failure until it goes or the stand-in stops. */
function deliveries(store: SchedulerStore, opts: LocalSchedulerOptions, clock: Clock, log: (line: string) => void) {
  const queued = new Set<string>();
  const urls = new Map(Object.entries(opts.queueUrls ?? {}));
  const keyOf = (group: string, name: string) => `${group}\u0000${name}`;

  const queueUrl = async (arn: string): Promise<string> => {
    const known = urls.get(arn);
    if (known) return known;
    const name = QUEUE_ARN.exec(arn)?.[1] as string;
    const url = (await opts.sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;
    if (!url) throw new Error(`no local queue named ${name}`);
    urls.set(arn, url);
    return url;
  };

  const delivery = retryingDelivery<{ group: string; name: string }>({
    async deliver(next) {
      const schedule = store.get(next.group, next.name);
      // Deleted, disabled or moved later since it came due: nothing to deliver now.
      if (schedule && waiting(schedule) && schedule.dueAtMs <= clock.now().getTime()) {
        const { Target } = schedule;
        await opts.sqs.send(
          new SendMessageCommand({
            QueueUrl: await queueUrl(Target.Arn),
            MessageBody: Target.Input ?? '{}',
            ...(Target.SqsParameters?.MessageGroupId ? { MessageGroupId: Target.SqsParameters.MessageGroupId } : {}),
          }),
        );
        if (schedule.ActionAfterCompletion === 'DELETE') store.delete(schedule.GroupName, schedule.Name);
        else store.put({ ...schedule, firedAtMs: Date.now() });
      }
      queued.delete(keyOf(next.group, next.name));
    },
    describeFailure: (next, attempt, waitMs, error) =>
      `[scheduler] schedule ${next.group}/${next.name}: sending to ${store.get(next.group, next.name)?.Target.Arn} failed (attempt ${attempt}, retrying in ${waitMs} ms): ${error.message}`,
    log,
  });

  return {
    enqueue(s: StoredSchedule) {
      const key = keyOf(s.GroupName, s.Name);
      if (queued.has(key)) return;
      queued.add(key);
      delivery.push({ group: s.GroupName, name: s.Name });
    },
    pending: delivery.pending,
    async stop() {
      const left = await delivery.stop();
      if (left.length > 0) {
        log(
          `[scheduler] stopped with ${left.length} due schedule(s) not delivered (kept; they go at the next start): ${left.map((q) => `${q.group}/${q.name}`).join(', ')}`,
        );
      }
    },
  };
}
