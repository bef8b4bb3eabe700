/**
 * Generated requests against every declared route (and around them) through the local
 * runtime over real HTTP: whatever arrives, the answer is a 2xx/3xx/4xx, an error body
 * follows the contract, and no script comes back unencoded.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../lib/definition';
import type { Runtime } from '../../lib/local/runtime';
import { rawRequest, startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;
beforeAll(async () => {
  // Rate limits would answer most of a 2,000-request burst from one address with 429 and
  // hide what the fuzzer is after; they have their own tests.
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off' });
});
afterAll(async () => {
  await runtime?.stop();
});

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const payloads = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "' OR 1=1 --",
  '../../../../etc/passwd',
  '..%2f..%2f..%2fetc%2fpasswd',
  '%00',
  '{{7*7}}',
  '$' + '{jndi:ldap://x}',
  '\u202e\u0000\ud83d\ude00',
  'A'.repeat(10_000),
];
const segment = fc.oneof(fc.constantFrom(...payloads), fc.string({ maxLength: 40 }), fc.webSegment());
const path = fc.oneof(
  // declared templates with their parameters filled by hostile values
  fc
    .tuple(fc.constantFrom(...routes.map((r) => r.path)), segment)
    .map(([p, v]) => p.replace(/\{[^}]+\}/g, encodeURIComponent(v))),
  fc.array(segment, { maxLength: 5 }).map((parts) => `/api/${parts.map(encodeURIComponent).join('/')}`),
);
const method = fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS');
const body = fc.oneof(
  fc.constant(undefined),
  fc.json({ maxDepth: 4 }),
  fc.constantFrom('{', '{"a":', '[', 'null', '"\\ud800"', `${'['.repeat(100)}${']'.repeat(100)}`),
  fc.string({ maxLength: 200 }),
  fc.object().map((o) => JSON.stringify(o)),
);
const headers = fc.record(
  {
    'content-type': fc.constantFrom(
      'application/json',
      'text/plain',
      'application/xml',
      'multipart/form-data',
      '',
      '\u0000',
    ),
    origin: fc.constantFrom('http://evil.example', 'null', 'http://127.0.0.1'),
    cookie: fc.constantFrom('csrf-token=abc', 'csrf-token=', 'a=b; a=c', ';;;'),
    'x-csrf-token': fc.constantFrom('x', 'a'.repeat(64)),
    'x-duplicated': fc.constant(['1', '2']),
  },
  { requiredKeys: [] },
);
const query = fc
  .array(fc.tuple(segment, segment), { maxLength: 4 })
  .map((pairs) =>
    pairs.length === 0
      ? ''
      : `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`,
  );

describe('HTTP edge under generated input', () => {
  it(`never answers 5xx, and every error follows the contract (${RUNS} requests)`, async () => {
    await fc.assert(
      fc.asyncProperty(method, path, query, body, headers, async (m, p, q, b, h) => {
        const cleanHeaders = Object.fromEntries(Object.entries(h).filter(([, v]) => !String(v).includes('\u0000')));
        const res = await rawRequest(`${runtime.url}${p}${q}`, {
          method: m,
          headers: cleanHeaders as Record<string, string | string[]>,
          body: m === 'GET' || m === 'HEAD' || b === undefined ? undefined : String(b),
        });
        expect(res.status, `${m} ${p}${q} -> ${res.status} ${res.body.slice(0, 200)}`).toBeLessThan(500);
        if (res.status >= 400 && m !== 'HEAD') {
          const parsed = JSON.parse(res.body);
          expect(typeof parsed.error).toBe('string');
          expect(typeof parsed.message).toBe('string');
          expect(typeof parsed.code).toBe('string');
        }
        expect(res.body).not.toMatch(/<script>alert/i);
        expect(res.body).not.toMatch(/onerror=alert/i);
      }),
      { numRuns: RUNS },
    );
  });
});
