/**
 * Review round 11 (email): the SDK retried a SendEmail whose answer was lost (a timeout, a reset)
 * by itself, inside one provider call: a second copy the send pipeline could not see. The client
 * the sends go through makes one attempt per call; the pipeline retries knowingly.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { sesProvider } from '../../../shared/adapters/ses-provider';
import { SES_SEND_TIMEOUTS, ses, sesForSends, sesSendClient } from '../../../shared/aws/ses';
import { sendEmail } from '../../../shared/email/send-email';
import { request, setup } from './failover-fakes';

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

describe('the SES client of the sends', () => {
  it('makes one attempt per call (the SDK does not retry a send)', async () => {
    expect(await sesForSends.config.maxAttempts()).toBe(1);
  });

  it('is not the client of quota reads and account mails, which keep the SDK retries', async () => {
    expect(sesForSends).not.toBe(ses);
    expect(await ses.config.maxAttempts()).toBeGreaterThan(1);
  });
});

describe('review round 13: a send attempt that hangs ends, as an unknown outcome', () => {
  it('the send client has connection, request and socket timeouts, well under the lease and the function timeout', async () => {
    // The NodeHttpHandler's resolved options (read from its config promise: no public getter).
    const handler = sesForSends.config.requestHandler as unknown as {
      configProvider: Promise<Record<string, unknown>>;
    };
    expect(await handler.configProvider).toMatchObject({ ...SES_SEND_TIMEOUTS, throwOnRequestTimeout: true });
    const { connectionTimeout, requestTimeout } = SES_SEND_TIMEOUTS;
    // The SES link: 3 attempts at most, only refusals retried (1 s apart at most), the last may time out.
    const worstLinkMs = 2 * (connectionTimeout + 1000) + requestTimeout;
    expect(worstLinkMs).toBeLessThan(30_000 / 2); // the email-sender's timeout is 30 s
    expect(worstLinkMs).toBeLessThan(300_000 / 10); // the default lease (EMAIL_CLAIM_LEASE_SECONDS)
  });

  it('an SES that takes the request and never answers: the call ends at the timeout, no failover, the claim held', async () => {
    const accepted: string[] = [];
    server = createServer((req) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => accepted.push(body)); // and never answers
    });
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const client = sesSendClient(
      {
        region: 'us-east-1',
        endpoint: `http://127.0.0.1:${port}`,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      },
      { connectionTimeout: 200, requestTimeout: 300, socketTimeout: 300 },
    );
    const t = setup(
      [
        ['ses', sesProvider(client)],
        ['resend', []],
      ],
      { retries: 2 },
    );
    const started = Date.now();
    const outcome = await sendEmail(request, t.deps);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(outcome).toMatchObject({ status: 'retry' });
    expect({ ses: accepted.length, resend: t.copies.length }).toEqual({ ses: 1, resend: 0 });
    expect(t.record()).toMatchObject({ state: 'claimed', staleSinceMs: t.now() });
    client.destroy();
  });
});
