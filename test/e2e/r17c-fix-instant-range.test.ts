// Review round 17: this test failed at 2d3df06.
// A date-time the schema accepted could lie outside the years 0000-9999 once in UTC (an offset
// moves it): the audit log answered 500, an interaction or a consent was stored under an expanded
// `+010000-` / `-000001-` time. Every such field now refuses it with a 400 naming the field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../lib/local/runtime';
import { as, newUser, type TestUser } from '../support/identity';
import { startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;
let owner: TestUser;

beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off' });
  owner = await newUser(runtime, 'r17cf-dt', { verified: true });
}, 60_000);
afterAll(async () => {
  await runtime?.stop();
});

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${runtime.url}${path}`, {
    method,
    headers: as(owner),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON and assert on it
  const parsed: any = await res.json().catch(() => undefined);
  return { status: res.status, body: parsed, text: JSON.stringify(parsed) };
}

const LATE = '9999-12-31T23:59:59-23:59';
const EARLY = '0000-01-01T00:00:00+01:00';

describe('date-times outside the years 0000-9999 in UTC', () => {
  it('the audit log refuses them as from or to (400 naming the field), and takes the extremes', async () => {
    for (const field of ['from', 'to']) {
      for (const value of [LATE, EARLY]) {
        const res = await call('GET', `/api/security/audit-log?${field}=${encodeURIComponent(value)}`);
        expect(res.status, `${field}=${value}: ${res.text}`).toBe(400);
        expect(res.text).toContain(field);
        expect(res.text).toContain('0000-01-01');
      }
    }
    const from = encodeURIComponent('0000-01-01T00:00:00Z');
    const to = encodeURIComponent('9999-12-31T23:59:59+01:00');
    const all = await call('GET', `/api/security/audit-log?from=${from}&to=${to}`);
    expect(all.status, all.text).toBe(200);
  });

  it('an interaction’s occurredAt and a consent’s at are refused, and nothing is stored', async () => {
    const created = await call('POST', '/api/contacts', { email: `r17cf-${Date.now()}@example.com` });
    expect(created.status, created.text).toBe(201);
    const contactId = created.body.contact.contactId as string;

    const interaction = await call('POST', `/api/contacts/${contactId}/interactions`, {
      type: 'email_opened',
      occurredAt: EARLY,
    });
    expect(interaction.status, interaction.text).toBe(400);
    expect(interaction.text).toContain('occurredAt');
    const timeline = await call('GET', `/api/contacts/${contactId}/timeline`);
    expect(timeline.status, timeline.text).toBe(200);
    expect(timeline.text).not.toContain('-000001');

    const consent = await call('POST', '/api/contacts', {
      email: `r17cf-c-${Date.now()}@example.com`,
      consent: { source: 'api', at: EARLY },
    });
    expect(consent.status, consent.text).toBe(400);
  });
});
