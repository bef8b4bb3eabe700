// Review round 23: this test failed at dfdd2c4.
/**
 * Review round 23 (r23d): the round-21 fix for characters SQS refuses (U+FFFE / U+FFFF) writes each
 * as a six-byte `\uXXXX` escape in the body it sends (shared/aws/sqs-message-text.ts `sqsSafeJson`,
 * applied by the SQS client's middleware), where the character itself is three UTF-8 bytes. Every
 * size check was written before it and measures the body WITHOUT the escapes:
 * `sendMessageOf` (shared/email/send-request.ts, `Buffer.byteLength(JSON.stringify(message))` against
 * `SEND_MESSAGE_MAX_BYTES`) and `assertTemplateFitsASend` (stored-templates.ts `templateBytes`). So a
 * send whose html holds 200,000 U+FFFF is measured at ~600 KB (it "fits" the 1 MiB queue), and SQS
 * is then handed ~1.2 MB: SendMessage answers `InvalidParameterValue` ("Message must be shorter than
 * 1048576 bytes"; the local emulator enforces the queue's MaximumMessageSize as SQS does).
 *
 * Defect proven: `POST /api/emails/send` with such an html answers 500 (the queue's refusal is
 * neither an AppError nor `InvalidMessageContents`, so sqs-email-sends.ts does not make it
 * `UnqueueableSendError`). The same mis-measure reaches every builder of a send message: a
 * broadcast page or a campaign step whose message (a template near its 400 KB item plus a contact's
 * 50 custom fields of U+FFFF) is refused throws (they skip only `UnqueueableSendError`), is retried
 * and dead-lettered, and stalls every contact after it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../lib/local/runtime';
import { as, newUser, type TestUser } from '../support/identity';
import { json, startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;
let owner: TestUser;

beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off', EMAIL_MAX_SEND_RATE: '50' });
  owner = await newUser(runtime, 'r23d-escapes');
}, 60_000);
afterAll(async () => {
  await runtime?.stop();
});

const api = (method: string, path: string, body?: unknown) =>
  fetch(`${runtime.url}${path}`, {
    method,
    headers: as(owner),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

/** 200,000 U+FFFF: 600,000 bytes as UTF-8 (under the 1 MiB queue), 1,200,000 once escaped for SQS. */
const NONCHARACTERS = '\uFFFF'.repeat(200_000);

describe('r23d: U+FFFF escaped for SQS grows a send past the queue limit its checks measured', () => {
  it('POST /api/emails/send with 200,000 U+FFFF in its html answers without a 5xx', async () => {
    const res = await api('POST', '/api/emails/send', {
      to: 'ada@example.com',
      category: 'transactional',
      subject: 'Receipt',
      html: `<p>Thanks${NONCHARACTERS}</p>`,
    });
    const body = await json(res).catch(() => ({}));
    // Bad input is a clear 4xx (e.g. UNSENDABLE_EMAIL), or it is queued in a form SQS takes (202).
    expect(res.status, `answered ${res.status} ${JSON.stringify(body).slice(0, 300)}`).toBeLessThan(500);
  }, 60_000);
});
