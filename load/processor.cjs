/**
 * Artillery processor for the load profiles (load/*.yml).
 *
 * - setClient: gives each virtual user a random simulated client address (10.x.y.z) sent as
 *   `x-load-client`; the local runtime believes it only in load mode (TRUST_LOAD_CLIENT_HEADER,
 *   see `npm run load:start`), so per-client rate limits see many clients, not one.
 * - setFixedClient: one fixed address, for the scenario that shows when 429s begin.
 * - loadDemoAccount: the seeded demo user's credentials from $DATA_DIR/demo-account.json.
 * - afterResponse: custom counters: slow responses (> 2 s), server errors (5xx), rate-limit hits (429).
 * - the server's CPU and memory, sampled every 5 s from /proc/<pid> of the process listening on
 *   TARGET's port (or LOAD_SERVER_PID), as histograms `server.cpu_percent` and `server.rss_mb`.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const SLOW_MS = 2000;
const FIXED_CLIENT = '10.255.255.1';

function randomOctet() {
  return Math.floor(Math.random() * 256);
}

function setClient(context, _events, done) {
  context.vars.client = `10.${randomOctet()}.${randomOctet()}.${1 + Math.floor(Math.random() * 254)}`;
  return done();
}

function setFixedClient(context, _events, done) {
  context.vars.client = FIXED_CLIENT;
  return done();
}

let demo;
function loadDemoAccount(context, _events, done) {
  if (!demo) {
    const file = path.resolve(process.env.DATA_DIR ?? '.data', 'demo-account.json');
    try {
      demo = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (error) {
      return done(new Error(`Cannot read the demo account at ${file} (start the runtime once): ${error.message}`));
    }
  }
  context.vars.email = demo.email;
  context.vars.password = demo.password;
  return done();
}

function afterResponse(_req, res, _context, events, done) {
  const status = res.statusCode;
  const took = res.timings?.phases?.total;
  if (typeof took === 'number' && took > SLOW_MS) events.emit('counter', 'custom.slow_responses_over_2s', 1);
  if (status >= 500) events.emit('counter', 'custom.server_errors_5xx', 1);
  if (status === 429) events.emit('counter', 'custom.rate_limit_hits_429', 1);
  return done();
}

// ---- server CPU / memory sampling (Linux /proc; silently off elsewhere) ----
const CLK_TCK = 100;
let sampler;
let serverPid;
let last;

function findServerPid() {
  if (process.env.LOAD_SERVER_PID) return Number(process.env.LOAD_SERVER_PID);
  try {
    const port = new URL(process.env.TARGET ?? 'http://127.0.0.1:3008').port || '80';
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

function startSampling(events) {
  if (sampler || process.platform !== 'linux') return;
  serverPid = findServerPid();
  if (!serverPid) return;
  last = readProc(serverPid);
  sampler = setInterval(() => {
    const now = readProc(serverPid);
    if (!now || !last) return;
    const seconds = Number(now.at - last.at) / 1e9;
    const cpu = seconds > 0 ? ((now.ticks - last.ticks) / CLK_TCK / seconds) * 100 : 0;
    events.emit('histogram', 'server.cpu_percent', Math.round(cpu));
    events.emit('histogram', 'server.rss_mb', Math.round(now.rssMb));
    last = now;
  }, 5000);
  sampler.unref();
}

function sampleServer(_context, events, done) {
  startSampling(events);
  return done();
}

module.exports = { setClient, setFixedClient, loadDemoAccount, afterResponse, sampleServer };
