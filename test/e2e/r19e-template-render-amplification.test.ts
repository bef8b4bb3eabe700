/**
 * Review r19e (email templates: render limits), through the local runtime.
 *
 * Defect: a template's rendered size has no bound. liquidjs's `renderLimit` (500 ms) is checked
 * between template nodes and its `memoryLimit` (5,000,000) charges ranges and filters, never the
 * text a loop writes out: `{% for i in (1..700) %}<400 KB of literal text>{% endfor %}`, a template
 * the save accepts (one part of ~400 KB, under TEMPLATE_MAX_BYTES; it parses; transactional, so no
 * lint), renders in a few ms into 280 MB of HTML (V8 ropes make the concatenation free), and
 * `htmlToText` then copies it into a 280 MB text part. The preview answers both in one JSON body:
 * past V8's longest string (~536 M chars) `JSON.stringify` throws a RangeError, a 500 (and the
 * request first holds ~1-2 GB and the event loop for seconds; a few such requests take the process
 * down). A smaller loop (20 x 400 KB) answers a 16 MB preview, which Lambda (6 MB answer limit)
 * turns into a 502, and a send of either gives the provider a mail far over any provider's size.
 *
 * Severity: HIGH (any member with templates:write: a 5xx and a memory/CPU denial of service on
 * the API with one ~400 KB request; the same template sent or broadcast does it in the sender).
 *
 * Root cause: shared/email/templates.ts:renderTemplate (and the LIMITS given to liquidjs): nothing
 * bounds the rendered output, and the preview / sender use whatever comes back.
 *
 * Correct behaviour: a render whose output passes a fixed bound (e.g. what a send can carry / a
 * provider accepts) fails as the author's error, 400 TEMPLATE_INVALID in a preview (and a closed
 * send in the sender), never a 5xx or a 200 of hundreds of MB.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../lib/local/runtime';
import { as, newUser, type TestUser } from '../support/identity';
import { startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;
let owner: TestUser;
beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off' });
  owner = await newUser(runtime, 'r19e-amplify');
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

describe('template render amplification', () => {
  it('the preview of a saved ~400 KB template that renders 280 MB answers 400 TEMPLATE_INVALID, not a 5xx', async () => {
    const html = `{% for i in (1..700) %}<p>${'x'.repeat(400_000)}</p>{% endfor %}`;
    const created = await api('POST', '/api/email-templates', {
      name: 'Amplified',
      category: 'transactional',
      subject: 'Hi',
      html,
    });
    expect(created.status).toBe(201);
    const { template } = (await created.json()) as { template: { templateId: string } };

    const res = await api('POST', `/api/email-templates/${template.templateId}/preview`, {});
    const text = await res.text();
    expect(res.status, text.slice(0, 300)).toBe(400);
    expect(text).toContain('TEMPLATE_INVALID');
  }, 120_000);
});
