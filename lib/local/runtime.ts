/**
 * The local runtime: the same declared functions, routes, queues, schedules and state
 * machine as the cloud stack, hosted in one process on embedded AWS emulators. The
 * functions use the real AWS SDK clients; only the endpoints differ, set through the
 * SDK's own `AWS_ENDPOINT_URL_<SERVICE>` variables before any function module loads.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { withSqsSafeBodies } from '../../shared/aws/sqs-message-text';
import { scaledClock } from '../../shared/clock';
import {
  EVENT_BUS,
  eventRules,
  queueEnvName,
  queues,
  schedules,
  stateMachines,
  tableEnvName,
  tables,
} from '../definition';
import { localTimeScale, sqsDelayFactor, startClockOrigin } from './clock-origin';
import { ignoreDataDir } from './data-dir-ignore';
import { docsPages } from './docs-page';
import { ensureQueues, ensureTables, startEmulators, startEmulatorsInWorker, startTtlSweeper } from './emulators';
import { type LocalAiMode, startLocalAi } from './emulators/ai-stand-ins';
import { FAULT_PATH, parseFaultMode } from './emulators/fault-switch';
import { LOCAL_CREDENTIALS, LOCAL_REGION, localClientConfig, localResourceName } from './emulators/local-aws';
import { type EventFilter, type RecordedEvent, startEventBus } from './event-bus';
import { FunctionHost } from './function-host';
import { startHttpHost } from './http-host';
import { linkPages } from './link-pages';
import { startOutboxPage } from './outbox-page';
import { localPorts } from './ports';
import { startScheduler } from './scheduler';
import { LOCAL_SCHEDULER_ROLE_ARN, startSchedulerServer } from './scheduler-server';
import { localSecretKey } from './secret-key';
import { type DemoAccount, ensureDemoAccount, ensureLoadAccount } from './seed';
import { startSqsPoller } from './sqs-poller';
import { localStateMachineArn, startStepFunctions } from './step-functions';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const NAME_PREFIX = 'unite-hub-local-';

const LOCAL_SES_ACCOUNT = {
  DedicatedIpAutoWarmupEnabled: false,
  Details: {
    AdditionalContactEmailAddresses: [],
    ContactLanguage: 'EN',
    MailType: 'MARKETING',
    ReviewDetails: { CaseId: 'local', Status: 'GRANTED' },
    UseCaseDescription: 'Unite-Hub local runtime outbox',
    WebsiteURL: 'http://localhost',
  },
  EnforcementStatus: 'HEALTHY',
  ProductionAccessEnabled: true,
  SendingEnabled: true,
  // A production account's first quota (out of the sandbox): 50,000 a day at 14/s. The pacer
  // uses 80% of the rate (11.2/s); EMAIL_MAX_SEND_RATE sets another one.
  SendQuota: { Max24HourSend: 50_000, MaxSendRate: 14, SentLast24Hours: 0 },
  SuppressionAttributes: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
};

export interface RuntimeOptions {
  /** HTTP port; 0 picks a free one. */
  port: number;
  /**
   * First port of the emulators' and stand-ins' fixed block (ports.ts: `npm start` derives it
   * from PORT); 0 or absent = each on any free port (tests, which start runtimes in parallel).
   */
  emulatorBasePort?: number;
  host?: string;
  dataDir: string;
  log?: (line: string) => void;
  /** How long an SQS long poll waits; tests shorten it. */
  pollWaitSeconds?: number;
  /** Extra environment for the functions (e.g. `RATE_LIMITS: 'off'` for the fuzz suite). */
  env?: Readonly<Record<string, string>>;
  /** Create the demo account on first start (default true). */
  seed?: boolean;
  /**
   * Where the emulators run: on a worker thread of their own (default; what `npm start` does,
   * so they use a second core), or on the functions' thread (tests: coverage sees their code).
   */
  emulators?: 'worker' | 'in-process';
  /** Which requests get an access-log line: 'all' (default) or only 5xx and slow ones. */
  accessLog?: 'all' | 'problems';
  /** Requests in flight beyond which the API answers 429 THROTTLED (default 32). */
  maxInFlight?: number;
  /** Append the API host's own traffic statistics here (JSON lines; see http-host.ts). */
  statsFile?: string;
  /** PUBLIC_BASE_URL: what mailed links start with (default: the API's own URL). */
  publicBaseUrl?: string;
}

export interface Runtime {
  url: string;
  /** The interactive API reference (`/docs`, docs/openapi.json rendered by Scalar). */
  docsUrl: string;
  /** What mailed links (verification, reset, invites) start with. */
  publicBaseUrl: string;
  dataDir: string;
  endpoints: {
    dynamodb: string;
    sqs: string;
    ses: string;
    stepFunctions: string;
    eventBridge: string;
    /** The EventBridge Scheduler stand-in: one-time schedules (campaign step timers) onto the local queues. */
    scheduler: string;
    /** The Resend stand-in (RESEND_BASE_URL). */
    resend: string;
    /** The SMTP sink (SMTP_URL, with its local credentials). */
    smtp: string;
  };
  /** The AI providers (LOCAL_AI): the Anthropic and OpenRouter stand-ins' endpoints when they run. */
  ai: { mode: LocalAiMode; anthropic?: string; openrouter?: string; summary: string[] };
  outboxUrl: string;
  /** Pages (and `/store` JSON) of what each email provider took locally. */
  outboxes: {
    ses: string;
    resend: string;
    smtp: string;
    /** The unified page: all three, newest first, with every header (`?format=json` to count). */
    all: string;
  };
  queues: Record<string, { url: string; dlqUrl: string }>;
  tables: Record<string, string>;
  stateMachines: Record<string, string>;
  nextSchedules: () => Record<string, string | undefined>;
  functions: FunctionHost;
  /** The seeded demo owner, when seeding is on. */
  demo?: DemoAccount;
  /** Load mode's seeded account (its own workspace with seeded contacts). */
  loadAccount?: DemoAccount;
  /** Domain events put on the local bus, across restarts (the newest delivered ones and all undelivered: event-record.ts), oldest first. */
  events: (filter?: EventFilter) => RecordedEvent[];
  /** Resolves once every running state machine execution has ended. */
  workflowsIdle: () => Promise<void>;
  stop: () => Promise<void>;
}

export async function startRuntime(opts: RuntimeOptions): Promise<Runtime> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const host = opts.host ?? '127.0.0.1';
  // aws-ses-v2-local answers GetAccount from this variable: a sandbox-like account that may send.
  process.env.AWS_SES_ACCOUNT ??= JSON.stringify(LOCAL_SES_ACCOUNT);
  // Provider fault switches (LOCAL_SES_FAULT, LOCAL_RESEND_FAULT) are turned on once the runtime
  // is up: the first start's seeding needs a working outbox. A bad value stops the start here.
  const faults = {
    ses: parseFaultMode(process.env.LOCAL_SES_FAULT, 'LOCAL_SES_FAULT'),
    resend: parseFaultMode(process.env.LOCAL_RESEND_FAULT, 'LOCAL_RESEND_FAULT'),
  };
  delete process.env.LOCAL_SES_FAULT;
  delete process.env.LOCAL_RESEND_FAULT;
  ignoreDataDir(opts.dataDir);
  const ports = localPorts(opts.emulatorBasePort ?? 0);
  const start = opts.emulators === 'in-process' ? startEmulators : startEmulatorsInWorker;
  const timeScale = localTimeScale(opts.env?.TIME_SCALE ?? process.env.TIME_SCALE);
  // Delays the last run left on the queues were set on its campaign clock: at a faster scale they
  // are shortened to the campaign time they stood for (the timers' at() times are read on the clock).
  const sqsDelay = sqsDelayFactor(opts.dataDir, timeScale);
  const emulators = await start({ dataDir: opts.dataDir, host: '127.0.0.1', log, ports, sqsDelayFactor: sqsDelay });
  const stops: Array<() => Promise<void> | void> = [() => emulators.stop()];
  try {
    const dynamodb = new DynamoDBClient(localClientConfig(emulators.dynamodb.endpoint));
    // Bodies made SQS-safe as the functions' client makes them: the local bus delivers events with it.
    const sqs = withSqsSafeBodies(new SQSClient(localClientConfig(emulators.sqs.endpoint)));
    stops.unshift(() => {
      dynamodb.destroy();
      sqs.destroy();
    });
    await ensureTables(dynamodb, tables, NAME_PREFIX);
    const queueInfo = await ensureQueues(sqs, queues, NAME_PREFIX);
    // AI providers: the Anthropic and OpenRouter stand-ins unless LOCAL_AI says otherwise (docs/AI.md).
    const ai = await startLocalAi({ dataDir: opts.dataDir, env: { ...process.env, ...opts.env }, log, ports });
    stops.unshift(() => ai.stop());

    const functions = new FunctionHost(REPO_ROOT);
    const sfn = await startStepFunctions({
      root: REPO_ROOT,
      dataDir: opts.dataDir,
      declarations: stateMachines,
      functions,
      log,
      port: ports.stepFunctions,
    });
    stops.unshift(() => sfn.stop());
    const eventBus = await startEventBus({
      dataDir: opts.dataDir,
      busName: localResourceName(NAME_PREFIX, EVENT_BUS.name),
      log,
      port: ports.eventBridge,
      // Declared rules (SES events -> email-events) deliver to the local queues over SQS.
      rules: eventRules,
      targets: { sqs, queueUrls: Object.fromEntries(Object.entries(queueInfo).map(([name, q]) => [name, q.url])) },
    });
    stops.unshift(() => eventBus.stop());
    const stepScheduleGroup = localResourceName(NAME_PREFIX, 'campaign-steps');
    // The SES emulator publishes its sends' events (bounces, complaints, deliveries) to this bus.
    await emulators.configure({ eventBusEndpoint: eventBus.endpoint });

    const env: Record<string, string> = {
      AWS_REGION: LOCAL_REGION,
      AWS_DEFAULT_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamodb.endpoint,
      AWS_ENDPOINT_URL_SQS: emulators.sqs.endpoint,
      AWS_ENDPOINT_URL_SESV2: emulators.ses.endpoint,
      AWS_ENDPOINT_URL_SFN: sfn.endpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: eventBus.endpoint,
      // The other email providers: the local stand-ins, never the real services.
      RESEND_BASE_URL: emulators.resend.endpoint,
      RESEND_API_KEY: emulators.resend.apiKey,
      // The fixed dev secret the Resend stand-in signs its webhooks with.
      RESEND_WEBHOOK_SECRET: emulators.resend.webhookSecret,
      SMTP_URL: emulators.smtp.url,
      ...ai.env,
      EVENT_BUS_NAME: eventBus.busName,
      STEP_SCHEDULE_GROUP: stepScheduleGroup,
      STEP_SCHEDULER_ROLE_ARN: LOCAL_SCHEDULER_ROLE_ARN,
      DRIP_STEPS_QUEUE_ARN: queueInfo['drip-steps']?.arn as string,
      STAGE: 'local',
      STATE_MACHINE_ARN: localStateMachineArn('campaign-launch'),
      POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
      LOCAL_SECRET_KEY: localSecretKey(opts.dataDir, log),
    };
    for (const t of tables) env[tableEnvName(t.name)] = localResourceName(NAME_PREFIX, t.name);
    for (const q of queues) env[queueEnvName(q.name)] = queueInfo[q.name]?.url as string;
    // Campaign time carries on across restarts at any scale (clock-origin.ts), 1 included:
    // TIME_SCALE=3600 runs it an hour per second. Every function reads this one origin, and the
    // Scheduler stand-in fires the step timers' at() times on it (started just after it).
    const origin = startClockOrigin(opts.dataDir, timeScale, log);
    // Last of all: nothing stopping after it stamps a campaign time past the one it saves.
    stops.push(async () => origin.stop());
    const campaignClock = scaledClock(timeScale, origin);
    const aheadMs = origin.clockMs - origin.realMs;
    if (timeScale !== 1 || aheadMs > 0) {
      log(
        `campaign clock: ${timeScale}x real time (TIME_SCALE), now ${new Date(origin.clockMs).toISOString()}` +
          (aheadMs > 0
            ? ` (${(aheadMs / 3_600_000).toFixed(1)} h ahead of the wall clock, carried on from clock.json)`
            : ''),
      );
    }
    // Campaign step timers past SQS's 15 minutes: one-time schedules fired into the local queues
    // when campaign time reaches them.
    const schedulerServer = await startSchedulerServer({
      dataDir: opts.dataDir,
      sqs,
      queueUrls: Object.fromEntries(
        Object.values(queueInfo).flatMap((q) => [[q.arn, q.url] as const, [q.dlqArn, q.dlqUrl] as const]),
      ),
      groups: [stepScheduleGroup],
      clock: campaignClock,
      log,
      port: ports.scheduler,
    });
    stops.unshift(() => schedulerServer.stop());
    // The SDK's own endpoint variable (README, "Local runtime"), as the other emulators' are set.
    Object.assign(env, { AWS_ENDPOINT_URL_SCHEDULER: schedulerServer.endpoint });
    env.TIME_SCALE = String(timeScale);
    env.CLOCK_ORIGIN = `${origin.realMs}:${origin.clockMs}`;
    // A developer's own AWS profile must never be picked up by a local function.
    delete process.env.AWS_PROFILE;
    delete process.env.AWS_SESSION_TOKEN;
    Object.assign(process.env, env, opts.env);

    const emulatorHeap = emulators.heap;
    const loadClientHeader = (opts.env?.TRUST_LOAD_CLIENT_HEADER ?? process.env.TRUST_LOAD_CLIENT_HEADER)?.trim();
    const http = await startHttpHost({
      host,
      port: opts.port,
      functions,
      log,
      ...(opts.accessLog ? { accessLog: opts.accessLog } : {}),
      ...(opts.maxInFlight ? { maxInFlight: opts.maxInFlight } : {}),
      ...(opts.statsFile ? { statsFile: opts.statsFile } : {}),
      ...(emulatorHeap
        ? {
            heaps: async () => {
              const heap = await emulatorHeap();
              return { emulatorHeapUsed: heap.used, emulatorHeapReserved: heap.reserved };
            },
          }
        : {}),
      ...(loadClientHeader ? { loadClientHeader: loadClientHeader.toLowerCase() } : {}),
      pages: { ...docsPages(REPO_ROOT), ...linkPages() },
    });
    stops.unshift(
      () =>
        new Promise<void>((resolve) => {
          // close() waits for every open connection; idle keep-alive ones (load generators,
          // browsers) would hold it forever. Requests in flight get 2 s to finish.
          http.server.close(() => resolve());
          http.server.closeIdleConnections();
          setTimeout(() => http.server.closeAllConnections(), 2000).unref();
        }),
    );
    // Mailed links start with the URL printed at start (or the one asked for), never with a
    // request's Host; so the API listens first and the functions load with its URL.
    const publicBaseUrl = opts.env?.PUBLIC_BASE_URL ?? opts.publicBaseUrl ?? http.url;
    process.env.PUBLIC_BASE_URL = publicBaseUrl;
    await functions.loadAll();
    // The Resend stand-in POSTs its signed webhooks to the API, now that it listens.
    await emulators.configure({
      resendWebhook: {
        url: `${http.url}/api/hooks/resend`,
        secret: process.env.RESEND_WEBHOOK_SECRET ?? emulators.resend.webhookSecret,
      },
    });

    const pollers = queues.map((q) => {
      const info = queueInfo[q.name] as { url: string; arn: string };
      return startSqsPoller({
        client: sqs,
        queueUrl: info.url,
        queueArn: info.arn,
        consumer: q.consumer,
        batchSize: q.batchSize,
        // As the event source: up to maxConcurrency batches at once (one when not declared).
        concurrency: q.maxConcurrency ?? 1,
        functions,
        log,
        waitSeconds: opts.pollWaitSeconds ?? 2,
      });
    });
    // Together, not one after another: each stop aborts its long poll and drains its batches.
    stops.unshift(async () => {
      await Promise.all(pollers.map((p) => p.stop()));
    });
    const scheduler = startScheduler(schedules, functions, log);
    stops.unshift(() => scheduler.stop());
    const stopSweeper = startTtlSweeper(dynamodb, tables, NAME_PREFIX, 30_000);
    stops.unshift(() => stopSweeper());

    const outboxPage = await startOutboxPage({
      host: '127.0.0.1',
      port: ports.outbox,
      sources: { ses: emulators.ses.outboxUrl, resend: emulators.resend.outboxUrl, smtp: emulators.smtp.outboxUrl },
    });
    stops.unshift(() => outboxPage.stop());
    const outbox = emulators.ses.endpoint;
    const demo = opts.seed === false ? undefined : await ensureDemoAccount(http.url, opts.dataDir, outbox, log);
    const loadAccount =
      opts.seed === false || !loadClientHeader
        ? undefined
        : await ensureLoadAccount(http.url, opts.dataDir, outbox, log);

    for (const [name, endpoint] of [
      ['ses', emulators.ses.endpoint],
      ['resend', emulators.resend.endpoint],
    ] as const) {
      if (faults[name] === 'off') continue;
      const res = await fetch(`${endpoint}${FAULT_PATH}`, { method: 'PUT', body: faults[name] });
      if (!res.ok) throw new Error(`Could not switch the local ${name} fault to ${faults[name]}: ${res.status}`);
      log(`${name}: fault switch set to ${faults[name]} (LOCAL_${name.toUpperCase()}_FAULT)`);
    }

    let stopped: Promise<void> | undefined;
    return {
      ...(demo ? { demo } : {}),
      ...(loadAccount ? { loadAccount } : {}),
      url: http.url,
      docsUrl: `${http.url}/docs`,
      publicBaseUrl,
      dataDir: opts.dataDir,
      endpoints: {
        dynamodb: emulators.dynamodb.endpoint,
        sqs: emulators.sqs.endpoint,
        ses: emulators.ses.endpoint,
        stepFunctions: sfn.endpoint,
        eventBridge: eventBus.endpoint,
        scheduler: schedulerServer.endpoint,
        resend: emulators.resend.endpoint,
        smtp: emulators.smtp.url,
      },
      ai: {
        mode: ai.mode,
        summary: ai.summary,
        ...(ai.anthropic ? { anthropic: ai.anthropic.endpoint } : {}),
        ...(ai.openrouter ? { openrouter: ai.openrouter.endpoint } : {}),
      },
      outboxUrl: emulators.ses.outboxUrl,
      outboxes: {
        ses: emulators.ses.outboxUrl,
        resend: emulators.resend.outboxUrl,
        smtp: emulators.smtp.outboxUrl,
        all: outboxPage.url,
      },
      queues: Object.fromEntries(Object.entries(queueInfo).map(([k, v]) => [k, { url: v.url, dlqUrl: v.dlqUrl }])),
      tables: Object.fromEntries(tables.map((t) => [t.name, localResourceName(NAME_PREFIX, t.name)])),
      stateMachines: Object.fromEntries(stateMachines.map((s) => [s.name, localStateMachineArn(s.name)])),
      nextSchedules: scheduler.next,
      functions,
      events: (filter) => eventBus.events(filter),
      workflowsIdle: () => sfn.idle(),
      stop: () => {
        stopped ??= runStops(stops);
        return stopped;
      },
    };
  } catch (error) {
    await runStops(stops);
    throw error;
  }
}

async function runStops(stops: Array<() => Promise<void> | void>): Promise<void> {
  for (const stop of stops) {
    try {
      await stop();
    } catch (error) {
      console.error('[local] error while stopping:', error);
    }
  }
}
