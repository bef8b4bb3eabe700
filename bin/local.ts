/**
 * `npm start`: the whole product on this machine, no AWS account, no Docker, no network.
 * PORT (default 3008) and DATA_DIR (default .data/) let two instances run side by side: the
 * emulators' fixed ports follow PORT (lib/local/ports.ts), or EMULATOR_BASE_PORT when set.
 */
import path from 'node:path';
import { functions, queues, routes, schedules } from '../lib/definition';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../lib/local/emulators/local-aws';
import { DEFAULT_MAX_IN_FLIGHT } from '../lib/local/http-host';
import { emulatorBasePort, PORT_BLOCK } from '../lib/local/ports';
import { startRuntime } from '../lib/local/runtime';

const port = Number(process.env.PORT ?? 3008);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`PORT must be a port number (0-65535), got "${process.env.PORT}"`);
  process.exit(1);
}
let basePort: number;
try {
  basePort = emulatorBasePort(process.env.EMULATOR_BASE_PORT, port);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
const dataDir = path.resolve(process.env.DATA_DIR ?? '.data');
const maxInFlight = Number(process.env.LOCAL_MAX_IN_FLIGHT ?? DEFAULT_MAX_IN_FLIGHT);
if (!Number.isInteger(maxInFlight) || maxInFlight < 1) {
  console.error(`LOCAL_MAX_IN_FLIGHT must be a whole number >= 1, got "${process.env.LOCAL_MAX_IN_FLIGHT}"`);
  process.exit(1);
}
// Production mode (what the load tests run): warnings and errors only, and an access-log line
// only for 5xx and slow answers, so logging does not take the CPU the requests need.
const production = process.env.NODE_ENV === 'production';
if (production) process.env.LOG_LEVEL ??= 'WARN';
const started = performance.now();
console.log(`Starting Unite-Hub locally${production ? ' in production mode' : ''} (data in ${dataDir}) ...`);

// Ctrl-C and SIGTERM are handled from the start, not only once the runtime is up: a signal
// during the start stops the runtime cleanly as soon as it is up (the first start seeds the
// demo account, which is resumable anyway); a second press a second later forces the exit.
let runtime: Awaited<ReturnType<typeof startRuntime>> | undefined;
let stoppingSince = 0;
const stop = (active: NonNullable<typeof runtime>) =>
  active.stop().then(
    () => {
      console.log('Stopped cleanly.');
      process.exit(0);
    },
    (error: unknown) => {
      console.error('Stopped with an error:', error);
      process.exit(1);
    },
  );
const shutdown = (signal: string) => {
  if (stoppingSince > 0) {
    // npm and tsx relay the same signal again within milliseconds; only a later press forces.
    if (Date.now() - stoppingSince < 1000) return;
    console.log('Forced exit.');
    process.exit(1);
  }
  stoppingSince = Date.now();
  if (!runtime) {
    console.log(`\n${signal}: stopping once the start reaches a safe point (press Ctrl-C again to force) ...`);
    return;
  }
  console.log(`\n${signal}: stopping (press Ctrl-C again to force) ...`);
  stop(runtime);
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));

try {
  runtime = await startRuntime({
    port,
    emulatorBasePort: basePort,
    host: process.env.HOST ?? '127.0.0.1',
    dataDir,
    accessLog: production ? 'problems' : 'all',
    maxInFlight,
    ...(process.env.LOCAL_STATS_FILE ? { statsFile: path.resolve(process.env.LOCAL_STATS_FILE) } : {}),
    // Mailed links use the API's URL unless PUBLIC_BASE_URL names another (a tunnel, a front end).
    ...(process.env.PUBLIC_BASE_URL ? { publicBaseUrl: process.env.PUBLIC_BASE_URL } : {}),
  });
  // process.env is a native interceptor: every read is a getenv. Powertools reads
  // AWS_LAMBDA_MAX_CONCURRENCY from it on each logger and metrics store access (about 30 a request
  // through /api/health, 8% of the busy CPU in a profile of bench:http), and here 19 functions
  // share one process. From now on nothing sets a variable the functions read, and nothing native
  // (TZ) reads them: a plain copy answers the same values at a property lookup's cost.
  process.env = { ...process.env };
  if (stoppingSince > 0) {
    await stop(runtime);
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const next = runtime.nextSchedules();
  console.log(`
Unite-Hub is running (started in ${seconds} s)

  API            ${runtime.url}
  API reference  ${runtime.docsUrl}   (the OpenAPI document: ${runtime.docsUrl}/openapi.json)
  Health         ${runtime.url}/api/health   (deep: ${runtime.url}/api/health?deep=1)
  All mail       ${runtime.outboxes.all}   SES, Resend and SMTP in one list, every header (?format=json)
  Sent mail      ${runtime.outboxUrl}   (links in mail start with ${runtime.publicBaseUrl})
  Resend         ${runtime.endpoints.resend}   local stand-in of Resend's API; sent mail ${runtime.outboxes.resend}
  SMTP           ${runtime.endpoints.smtp}   local sink; received mail ${runtime.outboxes.smtp}
${runtime.ai.summary.map((line) => `  ${line}`).join('\n')}

  Local AWS endpoints (the functions reach them through the real AWS SDK clients), account ${LOCAL_ACCOUNT}, region ${LOCAL_REGION},
  ${basePort === 0 ? 'on any free ports' : `on fixed ports ${basePort}-${basePort + PORT_BLOCK - 1}, the same after a restart (EMULATOR_BASE_PORT moves them)`}:
  DynamoDB       ${runtime.endpoints.dynamodb}   tables: ${Object.values(runtime.tables).join(', ')}
  SQS            ${runtime.endpoints.sqs}   queues: ${queues.map((q) => `${q.name} (+dlq)`).join(', ')}
  SES v2         ${runtime.endpoints.ses}   fault switch: LOCAL_SES_FAULT=fail|throttle|hang, or curl -X PUT --data throttle ${runtime.endpoints.ses}/_local/fault
  Step Functions ${runtime.endpoints.stepFunctions}   ${Object.values(runtime.stateMachines).join(', ')}
  EventBridge    ${runtime.endpoints.eventBridge}   domain events recorded in ${dataDir}/events.jsonl
  Scheduler      ${runtime.endpoints.scheduler}   one-time schedules (campaign step timers) kept in ${dataDir}/scheduler.jsonl

  ${functions.length} functions, ${routes.length} routes, ${schedules.length} schedule(s): ${Object.entries(next)
    .map(([name, at]) => `${name} next at ${at ?? 'never'}`)
    .join('; ')}
${
  runtime.demo
    ? `  Demo account   ${runtime.demo.email} / ${runtime.demo.password}   (workspace ${runtime.demo.workspaceId})
  Try it:        TOKEN=$(curl -sc /tmp/uh.jar ${runtime.url}/api/csrf-token | sed 's/.*"token":"\\([0-9a-f]*\\)".*/\\1/')
                 TOKEN=$(curl -sb /tmp/uh.jar -c /tmp/uh.jar -H "x-csrf-token: $TOKEN" -H 'content-type: application/json' \\
                   -d '{"email":"${runtime.demo.email}","password":"${runtime.demo.password}"}' ${runtime.url}/api/auth/login \\
                   | sed 's/.*"csrfToken":"\\([0-9a-f]*\\)".*/\\1/')     # the session's own CSRF token
                 curl -sb /tmp/uh.jar ${runtime.url}/api/auth/me
                 curl -sb /tmp/uh.jar -H "x-csrf-token: $TOKEN" -H 'content-type: application/json' \\
                   -d '{"email":"ada@example.com","firstName":"Ada"}' ${runtime.url}/api/contacts
`
    : ''
}
${
  process.env.TRUST_LOAD_CLIENT_HEADER
    ? `  Load mode      client addresses are taken from the ${process.env.TRUST_LOAD_CLIENT_HEADER} header (simulated clients)\n`
    : ''
}  Press Ctrl-C to stop; data stays in ${dataDir}.
`);
} catch (error) {
  const e = error as NodeJS.ErrnoException;
  const taken = (e as { port?: number }).port;
  if (e.code === 'EADDRINUSE' && (taken === undefined || taken === port)) {
    console.error(`Port ${port} is already in use. Stop the other process or choose another: PORT=3010 npm start`);
  } else if (e.code === 'EADDRINUSE' || /EADDRINUSE/.test(e.message)) {
    // An emulator's fixed port: another instance on the same PORT mod 1000, or another program.
    console.error(
      `An emulator port is already in use (${e.message}). Stop the other process, or move the block: PORT=3010 npm start, or EMULATOR_BASE_PORT=<port> (0: any free ports)`,
    );
  } else {
    console.error('Unite-Hub could not start:', e.message);
  }
  process.exit(1);
}
