/**
 * `kill -9` in the middle of a campaign run, then a start on the same data dir: every contact
 * still gets each email exactly once, within the 2 minutes the test waits (so not thanks to the
 * 5-minute sweep: a timer lost between a step's write and its setting is set again by the
 * redelivered message, run-step.ts `writtenBy`). The runtime runs as `npm start` does (its own process,
 * emulators on their worker thread, TIME_SCALE=43200: half a day per second); it is killed with
 * SIGKILL once part of the welcome mail is out, so nothing gets to flush or close. What a
 * caller saw accepted (SQS messages, DynamoDB writes, SES mail, schedules) must survive; what
 * was in flight is redelivered, and the send ledger keeps it to one mail: a send the killed
 * process had claimed waits out its lease (shortened to 15 s here), and one SES had accepted is
 * marked sent by its Send event, replayed from the SES emulator's journal at the restart
 * (docs/EMAIL.md, "Exactly once").
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, json } from '../support/local-runtime';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'uh-kill-'));
let child: ChildProcess | undefined;

afterAll(() => {
  child?.kill('SIGKILL');
  if (!process.env.KEEP_DATA) fs.rmSync(dataDir, { recursive: true, force: true });
  else console.log('data kept in', dataDir);
});

interface Started {
  api: string;
  ses: string;
  demo: { email: string; password: string };
}

/** Starts the runtime in its own process and reads the banner. */
async function startProcess(): Promise<Started> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: '0',
      TIME_SCALE: '43200',
      RATE_LIMITS: 'off',
      LOG_LEVEL: 'ERROR',
      // A send claimed by the killed process is held for its lease, then sent by a redelivery.
      EMAIL_CLAIM_LEASE_SECONDS: '15',
      EMAIL_MAX_SEND_RATE: '100',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  let out = '';
  proc.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  proc.stderr?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  return eventually(async () => {
    if (proc.exitCode !== null) throw new Error(`runtime exited: ${out}`);
    const api = /API\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    const ses = /SES v2\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    const demo = /Demo account\s+(\S+) \/ (\S+)/.exec(out);
    return api && ses && demo
      ? { api, ses, demo: { email: demo[1] as string, password: demo[2] as string } }
      : undefined;
  }, 60_000);
}

async function signIn(s: Started): Promise<(method: string, p: string, body?: unknown) => ReturnType<typeof json>> {
  const first = await fetch(`${s.api}/api/csrf-token`);
  const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0] as string;
  const { token } = (await first.json()) as { token: string };
  const login = await fetch(`${s.api}/api/auth/login`, {
    method: 'POST',
    headers: { cookie, 'x-csrf-token': token, 'content-type': 'application/json' },
    body: JSON.stringify(s.demo),
  });
  const session = (login.headers.get('set-cookie') ?? '')
    .split(/,(?=\s*\w+=)/)
    .map((c) => c.split(';')[0]?.trim())
    .join('; ');
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  return async (method, p, body) => {
    const res = await fetch(`${s.api}${p}`, {
      method,
      headers: { cookie: session, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const parsed = await json(res).catch(() => ({}));
    if (res.status >= 300) throw new Error(`${method} ${p}: ${res.status} ${JSON.stringify(parsed)}`);
    return parsed;
  };
}

const mails = async (ses: string) =>
  ((await (await fetch(`${ses}/store`)).json()) as { emails: { subject: string; destination: { to: string[] } }[] })
    .emails;

describe('kill -9 mid-run', () => {
  it('mails every contact each email exactly once across a SIGKILL and a restart', async () => {
    const first = await startProcess();
    const api = await signIn(first);
    await api('PUT', '/api/settings/email.postal_address', { value: '1 Main St, Springfield' });
    const template = async (subject: string) =>
      (
        await api('POST', '/api/email-templates', {
          name: subject,
          category: 'marketing',
          subject,
          html: `<p>${subject}</p><a href="{{ unsubscribe_url }}">Unsubscribe</a> {{ workspace.postalAddress }}`,
        })
      ).template.templateId as string;
    const welcome = await template('Welcome aboard');
    const follow = await template('Following up');
    const count = 60;
    for (let i = 0; i < count; i += 1) {
      await api('POST', '/api/contacts', { email: `k${i}@example.com`, tags: ['killed'] });
    }
    const created = await api('POST', '/api/campaigns', {
      name: 'Killed mid-run',
      journey: {
        nodes: [
          { id: 'start', kind: 'trigger', next: 'welcome' },
          { id: 'welcome', kind: 'email', templateId: welcome, next: 'wait' },
          { id: 'wait', kind: 'wait', for: { type: 'duration', duration: { days: 1 } }, next: 'follow' },
          { id: 'follow', kind: 'email', templateId: follow, next: 'done' },
          { id: 'done', kind: 'exit' },
        ],
      },
    });
    const id = created.campaign.campaignId as string;
    await api('POST', `/api/campaigns/${id}/publish`);
    await api('POST', `/api/campaigns/${id}/enrol`, { filter: { tag: 'killed' } });

    // Part of the welcome mail is out: SIGKILL, no flush, no close.
    await eventually(async () => ((await mails(first.ses)).length >= 10 ? true : undefined), 60_000);
    child?.kill('SIGKILL');
    await new Promise((r) => child?.once('exit', r));

    const second = await startProcess();
    const api2 = await signIn(second);
    let seen = '';
    const done = await eventually(async () => {
      const list = await mails(second.ses);
      const follows = list.filter((m) => m.subject === 'Following up').length;
      const welcomes = list.filter((m) => m.subject === 'Welcome aboard').length;
      seen = `${welcomes} welcomes, ${follows} follow-ups, stats ${JSON.stringify((await api2('GET', `/api/campaigns/${id}/stats`)).counters)}`;
      // A welcome the killed process had claimed comes after its lease, possibly after the follow-ups.
      return follows >= count && welcomes >= count ? list : undefined;
    }, 120_000).catch((error: Error) => {
      throw new Error(`${error.message}: ${seen}`);
    });
    // Let any straggler (a duplicate, if there were one) arrive before counting.
    await new Promise((r) => setTimeout(r, 3_000));
    const final = await mails(second.ses);
    const per = new Map<string, number>();
    for (const m of final) {
      const key = `${m.subject}|${m.destination.to[0]}`;
      per.set(key, (per.get(key) ?? 0) + 1);
    }
    expect(done.length).toBeGreaterThanOrEqual(2 * count);
    // Nothing is lost, and nothing twice: a mail SES accepted just before the kill, which the ledger
    // had not recorded, is recorded by its Send event (journaled by the SES emulator, published
    // again at the restart) before the claim's lease and grace run out (docs/EMAIL.md, "Exactly once").
    let duplicates = 0;
    for (let i = 0; i < count; i += 1) {
      for (const subject of ['Welcome aboard', 'Following up']) {
        const n = per.get(`${subject}|k${i}@example.com`) ?? 0;
        expect(n, `${subject} to k${i}`).toBeGreaterThanOrEqual(1);
        duplicates += n - 1;
      }
    }
    expect(duplicates).toBe(0);
    // The follow-ups were all sent after the restart, by one process: never twice.
    for (let i = 0; i < count; i += 1) expect(per.get(`Following up|k${i}@example.com`)).toBe(1);
    child?.kill('SIGTERM');
  }, 300_000);
});
