/**
 * Review round 20 (r20d): the Resend stand-in's webhooks of a mail it took just before a clean stop
 * are dropped for good, so a hard bounce is never recorded and the address is never suppressed.
 *
 * Defect: with SES failing (LOCAL_SES_FAULT, the documented failover demo), the sender fails over to
 * the Resend stand-in. The stand-in POSTs its signed webhooks (email.sent, email.delivered,
 * email.bounced, email.complained) to the API only from memory (resend-webhooks.ts: three retries
 * within 3.5 s while it runs, nothing after `stop()`), and neither its snapshot nor any journal
 * records which webhooks are still owed. A Ctrl-C in that moment (the pollers drain the sender's
 * batch, then the API stops listening, then the stand-in stops: exactly when its webhooks go) loses
 * them: after the restart the mail is `sent`, but its bounce never arrives, the address is never
 * suppressed (the next campaign mails it again) and the stats never count the bounce or the
 * delivery. Resend itself retries a webhook for about a day, so in the cloud the bounce arrives after
 * an outage; and the SES emulator's events are journaled for exactly this case (review 15,
 * ses-send-journal.ts: "a stop or kill -9 must not lose what is between them"). The Resend path has
 * no such journal.
 *
 * Severity: MEDIUM (a provider outcome lost across an ordinary stop; a hard-bounced address keeps
 * being mailed; local only, on the failover path).
 *
 * Root cause: lib/local/emulators/resend-webhooks.ts resendWebhookSender (webhooks kept in memory
 * only, given up at `stop()`), lib/local/emulators/resend-server.ts startResend (its snapshot has
 * the emails but not the webhooks still owed).
 *
 * Correct behaviour: as for SES: journal each taken email's webhooks before answering, mark each one
 * delivered, and at the next start (once the API listens) send the ones still owed, so the bounce is
 * applied after the restart (at least once; the processor dedupes on the Svix id / event).
 *
 * The webhooks' POSTs are held (a wrapper around the global fetch the stand-in uses, in this
 * process) until the runtime has stopped: the moment of a stop that finds them not yet made. The
 * restarted runtime reuses the first one's ports (this process's functions keep their clients).
 */

import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { localClientConfig } from '../../lib/local/emulators';
import { FAULT_PATH } from '../../lib/local/emulators/fault-switch';
import type { Runtime } from '../../lib/local/runtime';
import { dynamoSuppressions } from '../../shared/adapters/dynamo-suppressions';
import { emailSendSk, workspacePk } from '../../shared/adapters/keys';
import { as, newUser } from '../support/identity';
import { eventually, freePortBlock, startTestRuntime } from '../support/local-runtime';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'uh-r20d-resend-'));
const running: Runtime[] = [];
const clients: DynamoDBClient[] = [];
const originalFetch = globalThis.fetch;

afterAll(async () => {
  globalThis.fetch = originalFetch;
  for (const c of clients) c.destroy();
  for (const r of running) await r.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

const ENV = { RATE_LIMITS: 'off', EMAIL_MAX_SEND_RATE: '100' };

describe('Resend webhooks across a clean stop of the local runtime (r20d)', () => {
  it('the bounce of a mail Resend took just before the stop is applied after the next start', async () => {
    const base = await freePortBlock();
    const first = await startTestRuntime(dataDir, ENV, { emulatorBasePort: base });
    running.push(first);
    const owner = await newUser(first, 'r20dresend');
    const to = `bounced+${randomUUID().slice(0, 6)}@resend.dev`;
    const key = 'r20d-1';

    // Webhooks to the API wait here until the runtime has stopped.
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let held = 0;
    globalThis.fetch = (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (url.includes('/api/hooks/resend')) {
        held += 1;
        await gate;
      }
      return originalFetch(input, init);
    }) as typeof fetch;

    const fault = (mode: string) => originalFetch(`${first.endpoints.ses}${FAULT_PATH}`, { method: 'PUT', body: mode });
    expect((await fault('fail')).ok).toBe(true);
    const sent = await originalFetch(`${first.url}/api/emails/send`, {
      method: 'POST',
      headers: as(owner, { 'idempotency-key': key }),
      body: JSON.stringify({ to, subject: 'Hello', html: '<p>Hi</p>', category: 'transactional' }),
    });
    expect(sent.status).toBeLessThan(300);

    const raw = new DynamoDBClient(localClientConfig(first.endpoints.dynamodb));
    clients.push(raw);
    const db = DynamoDBDocumentClient.from(raw);
    const core = first.tables.core as string;
    const ledger = async () =>
      (
        await db.send(
          new GetCommand({
            TableName: core,
            Key: { pk: workspacePk(owner.workspaceId), sk: emailSendSk(`api#client#${key}`) },
          }),
        )
      ).Item;
    // Resend took it (the sender recorded it itself); its webhooks are on their way.
    const record = await eventually(async () => {
      const item = await ledger();
      return item?.state === 'sent' ? item : undefined;
    }, 30_000);
    expect(record.provider).toBe('resend');
    await eventually(async () => (held > 0 ? true : undefined), 10_000);
    expect((await fault('off')).ok).toBe(true);

    // Ctrl-C: a clean stop, with the webhooks not made yet.
    await first.stop();
    release();
    // The stand-in gives up its retries once stopped (0.5 + 1 + 2 s at most).
    await new Promise((r) => setTimeout(r, 4000));
    globalThis.fetch = originalFetch;

    const second = await startTestRuntime(dataDir, ENV, { emulatorBasePort: base });
    running.push(second);
    const suppressions = dynamoSuppressions(db, second.tables.core as string);
    const suppressed = await eventually(
      async () => ((await suppressions.reasonsFor(owner.workspaceId, to)).includes('hard-bounce') ? true : undefined),
      20_000,
    ).catch(() => false);
    const after = await ledger();
    expect(
      suppressed,
      `after the restart the bounced address ${to} is not suppressed and the send's delivery is ${String(after?.delivery)}: the stand-in's webhooks were dropped at the stop`,
    ).toBe(true);
  }, 120_000);
});
