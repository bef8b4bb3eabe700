/**
 * Review round 13: this test failed at f87176e (SES answered 200 and its body was cut by a reset,
 * or unreadable; the SDK's error carried httpStatusCode 200, which outcomeUnknown read as an answer
 * that SES did not take the message: failed over at once, Resend sent a second copy).
 *
 * HIGH, shared/email/provider-failover.ts: outcomeUnknown.
 *
 * FAULT: `outcomeUnknown` treats any HTTP status other than 504 as "an answer that says the
 * provider did not take the message". The AWS SDK (smithy's deserialization middleware) stamps
 * `$metadata.httpStatusCode` on errors thrown while READING a response: a 200 whose body is cut by
 * a connection reset (ECONNRESET, httpStatusCode 200) or is unreadable (SyntaxError, 200). SES took
 * the message (it answered 200), yet the chain reads the error as `unavailable` with an answer,
 * fails over, and Resend sends a second copy at once: no hold, no Send event awaited.
 *
 * FIX (one line): in outcomeUnknown, `if (status !== undefined) return status === 504 || (status >= 200 && status < 300);`
 * (a 2xx is never "did not take it"; better: only 4xx/5xx other than 504 are answers).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { afterEach, describe, expect, it } from 'vitest';
import { sesProvider } from '../../../shared/adapters/ses-provider';
import { sendEmail } from '../../../shared/email/send-email';
import { request, setup } from './failover-fakes';

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

/** A loopback "SES" that takes every SendEmail (counted), then answers 200 with a body that never arrives whole. */
async function sesThatAnswers(mode: 'cut-mid-body' | 'unreadable-body') {
  const accepted: string[] = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      accepted.push(body); // SES has the message from here on: it publishes its Send event.
      if (mode === 'unreadable-body') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"MessageId": "0100018f-accepted');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '200' });
      res.write('{"MessageId":');
      setTimeout(() => res.socket?.destroy(), 10);
    });
  });
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const client = new SESv2Client({
    maxAttempts: 1, // as shared/aws/ses.ts sesForSends
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${port}`,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  return { provider: sesProvider(client), accepted };
}

describe('SES answered 200 but the answer could not be read', () => {
  it.each(['cut-mid-body', 'unreadable-body'] as const)(
    '%s: no failover to Resend (SES has the message); the claim is held for its Send event',
    async (mode) => {
      const ses = await sesThatAnswers(mode);
      // Production's chain: SES with 2 transient retries, then Resend.
      const t = setup(
        [
          ['ses', ses.provider],
          ['resend', []],
        ],
        { retries: 2 },
      );
      const outcome = await sendEmail(request, t.deps);

      const copies = ses.accepted.length + t.copies.length;
      // At f87176e: SES 1 + Resend 1 = 2 copies, outcome `sent` via resend with fallbackUsed.
      expect({ copies, outcome: outcome.status }).toEqual({ copies: 1, outcome: 'retry' });
      expect(t.record()).toMatchObject({ state: 'claimed', staleSinceMs: t.now() });
    },
  );
});
