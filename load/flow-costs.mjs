#!/usr/bin/env node
/**
 * `npm run load:costs`: what each flow of load/scenarios.yml costs the server, in CPU time of
 * all its threads (read from /proc, so Linux only), measured flow by flow on a runtime started
 * for the purpose (production and load mode, fresh data), 5 flows in flight (log-ins one at a
 * time: the hashing bulkhead would shed more). The capacity
 * model in docs/PERFORMANCE_BASELINES.md uses these numbers; results go to
 * load/results/flow-costs-<stamp>.json and, committed, docs/load/flow-costs.json (what
 * `npm run load:report` renders), and the table to stdout.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { register } from 'tsx/esm/api';
import { startLoadRuntime } from './local-runtime.mjs';

// The names of result files, shared with the report, are TypeScript, compiled by tsx.
register();
const { RESULTS_DIR } = await import('./common/paths.ts');
const { resultFile, sidecarOf } = await import('./common/results.ts');
const { gitState } = await import('./common/git.ts');
const { SUMMARY_DIR } = await import('./common/summary.ts');

if (process.platform !== 'linux') {
  console.error('load:costs reads the server process CPU time from /proc: Linux only.');
  process.exit(2);
}
fs.mkdirSync(RESULTS_DIR, { recursive: true });
const out = resultFile('flow-costs');
const loadAverageBefore = os.loadavg().map((n) => Math.round(n * 100) / 100);
const runtime = await startLoadRuntime({ logFile: sidecarOf(out, '.server.log') });
const base = runtime.target;
const CLK_TCK = 100;
const cpuMs = () => {
  const stat = fs.readFileSync(`/proc/${runtime.pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK;
};

let clients = 0;
const client = () => `10.77.${(clients >> 8) & 255}.${clients++ & 255}`;
const account = JSON.parse(fs.readFileSync(runtime.accountFile, 'utf8'));
async function expectStatus(res, ...statuses) {
  const body = await res.text();
  if (!statuses.includes(res.status)) throw new Error(`${res.url}: ${res.status} ${body.slice(0, 200)}`);
  return res.headers.get('content-type')?.includes('json') && body ? JSON.parse(body) : body;
}
async function csrf(c) {
  const res = await fetch(`${base}/api/csrf-token`, { headers: { 'x-load-client': c } });
  return (await expectStatus(res, 200)).token;
}
async function logIn(c) {
  const token = await csrf(c);
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-load-client': c,
      'x-csrf-token': token,
      cookie: `csrf-token=${token}`,
    },
    body: JSON.stringify({ email: account.email, password: account.password }),
  });
  // The session has its own CSRF token (bound to it), given with the log-in answer.
  const { csrfToken } = await expectStatus(res, 200);
  const session = res.headers
    .getSetCookie()
    .find((x) => x.startsWith('session='))
    ?.split(';')[0];
  return { cookie: `${session}; csrf-token=${csrfToken}`, token: csrfToken };
}
const session = await logIn(client());
const signedIn = (c, extra = {}) => ({
  'x-load-client': c,
  cookie: session.cookie,
  'x-csrf-token': session.token,
  'content-type': 'application/json',
  ...extra,
});
let contacts = 0;

/** The flows of load/scenarios.yml, request for request. */
const flows = {
  health: async () => expectStatus(await fetch(`${base}/api/health`, { headers: { 'x-load-client': client() } }), 200),
  'csrf token': async () => csrf(client()),
  'static page': async () => expectStatus(await fetch(`${base}/`, { headers: { 'x-load-client': client() } }), 200),
  'protected list without a session': async () =>
    expectStatus(await fetch(`${base}/api/contacts/list`, { headers: { 'x-load-client': client() } }), 401),
  'auth flow (log in)': async () => {
    const c = client();
    const s = await logIn(c);
    await expectStatus(
      await fetch(`${base}/api/contacts/list?limit=20`, { headers: { 'x-load-client': c, cookie: s.cookie } }),
      200,
    );
  },
  'contacts read': async () => {
    const c = client();
    const list = await expectStatus(await fetch(`${base}/api/contacts/list?limit=20`, { headers: signedIn(c) }), 200);
    await expectStatus(
      await fetch(`${base}/api/contacts/${list.contacts[0].contactId}`, { headers: signedIn(c) }),
      200,
    );
  },
  'contacts write': async () => {
    const c = client();
    const created = await expectStatus(
      await fetch(`${base}/api/contacts`, {
        method: 'POST',
        headers: signedIn(c),
        body: JSON.stringify({ email: `cost-${contacts++}@load.example`, firstName: 'Load', tags: ['load-test'] }),
      }),
      201,
    );
    await expectStatus(
      await fetch(`${base}/api/contacts/${created.contact.contactId}/interactions`, {
        method: 'POST',
        headers: signedIn(c),
        body: JSON.stringify({ type: 'email_opened' }),
      }),
      201,
    );
  },
  // One client over its limits: after the first 20 a minute, every request is a 429.
  'single client hammer (refused)': async () =>
    expectStatus(await fetch(`${base}/api/csrf-token`, { headers: { 'x-load-client': '10.78.0.1' } }), 200, 429),
};
const iterations = { 'auth flow (log in)': 40 };
// Log-ins one at a time: hashing admits one per core but one, and sheds a queue (429 SERVER_BUSY).
const inFlight = { 'auth flow (log in)': 1 };

const rows = [];
try {
  for (const [name, flow] of Object.entries(flows)) {
    const n = iterations[name] ?? 200;
    await flow(); // warm: first calls compile code paths
    const cpu0 = cpuMs();
    const t0 = performance.now();
    let started = 0;
    await Promise.all(
      Array.from({ length: inFlight[name] ?? 5 }, async () => {
        while (started++ < n) await flow();
      }),
    );
    const row = {
      flow: name,
      iterations: n,
      inFlight: inFlight[name] ?? 5,
      serverCpuMsPerFlow: Math.round(((cpuMs() - cpu0) / n) * 10) / 10,
      wallMsPerFlow: Math.round(((performance.now() - t0) / n) * 10) / 10,
    };
    rows.push(row);
    console.log(`${name.padEnd(34)} ${String(row.serverCpuMsPerFlow).padStart(7)} ms CPU per flow`);
  }
} finally {
  await runtime.stop();
}
const cpus = os.cpus();
const state = gitState();
const costs = `${JSON.stringify(
  {
    command: 'npm run load:costs',
    at: new Date().toISOString(),
    ...(state ? { commit: state.commit, dirty: state.dirty } : {}),
    machine: {
      cpuModel: cpus[0]?.model,
      cores: cpus.length,
      node: process.version,
      loadAverageBefore,
      loadAverageAfter: os.loadavg().map((n) => Math.round(n * 100) / 100),
    },
    concurrency: 5,
    rows,
  },
  null,
  2,
)}\n`;
fs.writeFileSync(out, costs);
fs.mkdirSync(SUMMARY_DIR, { recursive: true });
fs.writeFileSync(path.join(SUMMARY_DIR, 'flow-costs.json'), costs);
console.log(`\nResults: ${path.relative(process.cwd(), out)}; summary (commit it): docs/load/flow-costs.json`);
