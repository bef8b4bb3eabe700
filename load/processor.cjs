/**
 * Artillery processor for the load profiles (flows in load/scenarios.yml).
 *
 * Virtual users and clients
 * - setClient: a random simulated client address (10.x.y.z) sent as `x-load-client`; only a
 *   runtime in load mode believes it (TRUST_LOAD_CLIENT_HEADER), so the per-client rate limits
 *   see many clients as they would in real traffic, not one machine.
 * - setFixedClient: one fixed address, for the scenario that shows when 429s begin.
 * - Both set the accepted statuses from the profile's `statusMode` variable: `strict` (200, 201,
 *   401 where a flow expects it) or `shed` (stress, spike: 429 and 503 accepted too).
 * - loadAccount: the seeded load-test user (LOAD_ACCOUNT_FILE, else $DATA_DIR/load-account.json).
 * - useSession: a session of that user from a small pool, logged in once per Artillery worker
 *   (outside the measured requests), for the signed-in read and write flows.
 * - newContact: a unique email for the write flow.
 *
 * Metrics (besides Artillery's own)
 * - e2e.response_time (histogram, ms) and e2e.endpoint.<request name>: end to end, from the
 *   moment the virtual user issues the request (beforeRequest, before it waits for one of the
 *   pooled connections) to the last byte of the answer (afterResponse runs once the body is in).
 *   Artillery's own http.response_time starts when the request has been written to a socket and
 *   stops at the first byte, so it leaves out the wait for a connection: the profiles' thresholds
 *   are on e2e.response_time. A request without an answer (timeout, reset) has no time here; it
 *   is counted in errors.* and fails its virtual user.
 * - custom.slow_responses_over_2s (end to end), custom.server_errors_5xx, custom.rate_limit_hits_429 (counters).
 * - server.cpu_percent, server.rss_mb: the server process (listening on TARGET's port, or
 *   LOAD_SERVER_PID), sampled every 5 s from /proc (Linux; off elsewhere).
 * - generator.cpu_percent: this Artillery process's own CPU, to tell a saturated generator from
 *   a saturated server.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const SLOW_MS = 2000;
const FIXED_CLIENT = '10.255.255.1';
const SESSION_POOL = 4;

const STATUSES = {
  strict: { okStatuses: [200], createdStatuses: [201], deniedStatuses: [401] },
  shed: { okStatuses: [200, 429, 503], createdStatuses: [201, 429, 503], deniedStatuses: [401, 429, 503] },
};

function randomOctet() {
  return Math.floor(Math.random() * 256);
}

function randomClient() {
  return `10.${randomOctet()}.${randomOctet()}.${1 + Math.floor(Math.random() * 254)}`;
}

function setStatuses(context) {
  Object.assign(context.vars, STATUSES[context.vars.statusMode] ?? STATUSES.strict);
}

function setClient(context, events, done) {
  startSampling(events, context);
  setStatuses(context);
  context.vars.client = randomClient();
  return done();
}

function setFixedClient(context, events, done) {
  startSampling(events, context);
  setStatuses(context);
  context.vars.client = FIXED_CLIENT;
  return done();
}

let account;
/**
 * The load-test user: LOAD_ACCOUNT_FILE (a runtime load/run.mjs started), else LOAD_TEST_EMAIL and
 * LOAD_TEST_PASSWORD (a deployed stack), else $DATA_DIR/load-account.json (`npm run load:start`).
 */
function readAccount() {
  if (account) return account;
  if (!process.env.LOAD_ACCOUNT_FILE && process.env.LOAD_TEST_EMAIL && process.env.LOAD_TEST_PASSWORD) {
    account = { email: process.env.LOAD_TEST_EMAIL, password: process.env.LOAD_TEST_PASSWORD };
    return account;
  }
  const file = process.env.LOAD_ACCOUNT_FILE ?? path.resolve(process.env.DATA_DIR ?? '.data', 'load-account.json');
  try {
    account = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(
      `Cannot read the load-test account at ${file}: start the runtime in load mode (npm run load:start), ` +
        `let load/run.mjs start one, or set LOAD_TEST_EMAIL and LOAD_TEST_PASSWORD (${error.message})`,
    );
  }
  return account;
}

function loadAccount(context, _events, done) {
  try {
    const { email, password } = readAccount();
    context.vars.email = email;
    context.vars.password = password;
    return done();
  } catch (error) {
    return done(error);
  }
}

function targetOf(context) {
  return String(context.vars.target ?? process.env.TARGET ?? 'http://127.0.0.1:3008').replace(/\/$/, '');
}

function cookiesOf(res) {
  return Object.fromEntries(res.headers.getSetCookie().map((c) => c.split(';')[0].split('=')));
}

async function logIn(target) {
  const { email, password } = readAccount();
  const client = randomClient();
  for (let attempt = 1; ; attempt++) {
    const csrf = await fetch(`${target}/api/csrf-token`, { headers: { 'x-load-client': client } });
    const csrfToken = (await csrf.json()).token;
    const res = await fetch(`${target}/api/auth/login`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-load-client': client,
        'x-csrf-token': csrfToken,
        cookie: `csrf-token=${csrfToken}`,
      },
      body: JSON.stringify({ email, password }),
    });
    if (res.status === 200) {
      // The session has its own CSRF token (bound to it), given with the log-in answer.
      const { workspaceId, csrfToken: sessionCsrf } = await res.json();
      return { sessionToken: cookiesOf(res).session, csrfToken: sessionCsrf, workspaceId };
    }
    // The log-in may be shed (429 SERVER_BUSY) while the run is busy: wait as told and retry.
    if (res.status !== 429 || attempt >= 10) {
      throw new Error(`The load-test user could not log in: ${res.status} ${await res.text()}`);
    }
    await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get('retry-after') ?? 1)));
  }
}

let pool;
function useSession(context, _events, done) {
  if (!pool) {
    const target = targetOf(context);
    pool = Promise.all(Array.from({ length: SESSION_POOL }, () => logIn(target)));
    pool.catch(() => undefined);
  }
  pool.then(
    (sessions) => {
      Object.assign(context.vars, sessions[Math.floor(Math.random() * sessions.length)]);
      done();
    },
    (error) => done(error),
  );
}

let contactCounter = 0;
function newContact(context, _events, done) {
  contactCounter += 1;
  const tag = `${Date.now().toString(36)}-${process.pid}-${contactCounter}-${Math.random().toString(36).slice(2, 8)}`;
  context.vars.contactEmail = `load-${tag}@load.example`;
  context.vars.contactName = `Contact ${contactCounter}`;
  return done();
}

/** Scenario-level beforeRequest: the moment the virtual user issues the request. */
function beforeRequest(req, context, _events, done) {
  context._issuedAt = performance.now();
  context._requestName = req.name;
  return done();
}

function afterResponse(_req, res, context, events, done) {
  const status = res.statusCode;
  const issuedAt = context._issuedAt;
  context._issuedAt = undefined;
  if (typeof issuedAt === 'number') {
    const took = performance.now() - issuedAt;
    events.emit('histogram', 'e2e.response_time', took);
    if (context._requestName) events.emit('histogram', `e2e.endpoint.${context._requestName}`, took);
    if (took > SLOW_MS) events.emit('counter', 'custom.slow_responses_over_2s', 1);
  }
  if (status >= 500) events.emit('counter', 'custom.server_errors_5xx', 1);
  if (status === 429) events.emit('counter', 'custom.rate_limit_hits_429', 1);
  return done();
}

// ---- server and generator CPU / memory sampling (Linux /proc; silently off elsewhere) ----
const CLK_TCK = 100;
let sampler;

function findServerPid(context) {
  if (process.env.LOAD_SERVER_PID) return Number(process.env.LOAD_SERVER_PID);
  try {
    const port = new URL(targetOf(context)).port || '80';
    const out = execFileSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
    const m = /pid=(\d+)/.exec(out);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

function readProc(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
    const rssPages = Number(fields[21]);
    return { ticks, rssMb: (rssPages * 4096) / 1048576, at: process.hrtime.bigint() };
  } catch {
    return undefined;
  }
}

function startSampling(events, context) {
  if (sampler) return;
  const serverPid = process.platform === 'linux' ? findServerPid(context) : undefined;
  let lastServer = serverPid ? readProc(serverPid) : undefined;
  let lastSelf = { cpu: process.cpuUsage(), at: process.hrtime.bigint() };
  sampler = setInterval(() => {
    const selfNow = { cpu: process.cpuUsage(), at: process.hrtime.bigint() };
    const selfSeconds = Number(selfNow.at - lastSelf.at) / 1e9;
    const selfCpu = process.cpuUsage(lastSelf.cpu);
    events.emit(
      'histogram',
      'generator.cpu_percent',
      Math.round(((selfCpu.user + selfCpu.system) / 1e6 / selfSeconds) * 100),
    );
    lastSelf = selfNow;
    if (!serverPid) return;
    const now = readProc(serverPid);
    if (!now || !lastServer) return;
    const seconds = Number(now.at - lastServer.at) / 1e9;
    const cpu = seconds > 0 ? ((now.ticks - lastServer.ticks) / CLK_TCK / seconds) * 100 : 0;
    events.emit('histogram', 'server.cpu_percent', Math.round(cpu));
    events.emit('histogram', 'server.rss_mb', Math.round(now.rssMb));
    lastServer = now;
  }, 5000);
  sampler.unref();
}

module.exports = { setClient, setFixedClient, loadAccount, useSession, newContact, beforeRequest, afterResponse };
