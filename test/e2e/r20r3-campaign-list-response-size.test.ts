/**
 * Review round 20 re-review (r20r3): an unfiltered listing page has no bound on what it weighs as sent.
 *
 * Defect (MEDIUM): `pagedQuery` (shared/adapters/dynamo/query.ts) bounds a *collected* page by what
 * its items weigh as sent (`sentBytes`, `COLLECTED_PAGE_MAX_BYTES`, commit 563e31e), but a page
 * without `collect` (one Query page, now read one item past the page by `onePage`) is answered
 * whole: only DynamoDB's 1 MB of raw items per Query bounds it. Each `<`, `>` or `&` of that raw
 * megabyte is sent as a 6-byte `\u003c` by safeJson and escaped once more in the result's JSON
 * string (7 bytes), so one page of HTML-heavy items weighs up to 7 MB as sent, past the 6 MB a
 * Lambda function may answer. `GET /api/campaigns/list` without `status` is such a listing: a few
 * campaigns whose journeys hold `<`s (set-field values, notify-user messages, subject variants,
 * AI-copy goals: every field valid) make the campaigns page fail for the whole workspace with a
 * 5xx in the cloud (the local runtime has no such limit, so the test measures the answer as the
 * Lambda runtime sends it). The same `GET /api/campaigns/list?status=draft` is bounded (collected).
 * Root cause: shared/adapters/dynamo/query.ts:pagedQuery (onePage path: no `itemsWithin`), used by
 * shared/adapters/dynamo-campaigns.ts `list` without `collect` when no status is given.
 * Correct: every listing page stays within what a function may answer: cut a single Query page by
 * `sentBytes` as collected pages are (the cursor resuming after the last item answered).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../lib/local/runtime';
import { as, newUser, type TestUser } from '../support/identity';
import { startTestRuntime } from '../support/local-runtime';

/** The largest synchronous Lambda response. */
const LAMBDA_RESPONSE_MAX_BYTES = 6 * 1024 * 1024;

let runtime: Runtime;
let owner: TestUser;
beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off' });
  owner = await newUser(runtime, 'r20r3-campaign-size');
}, 60_000);
afterAll(async () => {
  await runtime?.stop();
});

/** A valid journey of 200 nodes: 198 set-field actions, each value 1,000 `<`s. */
function heavyJourney() {
  const value = '<'.repeat(1000);
  const nodes: Record<string, unknown>[] = [{ id: 'start', kind: 'trigger', next: 'a0' }];
  for (let i = 0; i < 198; i++) {
    nodes.push({
      id: `a${i}`,
      kind: 'action',
      action: { type: 'set-field', field: 'note', value },
      next: i === 197 ? 'end' : `a${i + 1}`,
    });
  }
  nodes.push({ id: 'end', kind: 'exit' });
  return { nodes };
}

/** What the Lambda runtime sends for a result whose body is `text`: the body inside a JSON string. */
const sentBytes = (text: string) => Buffer.byteLength(JSON.stringify(text));

describe('r20r3: a listing page stays within what a function may answer', () => {
  it('GET /api/campaigns/list (no status filter) over valid HTML-heavy campaigns answers at most 6 MB as sent', async () => {
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${runtime.url}/api/campaigns`, {
        method: 'POST',
        headers: { ...as(owner), 'content-type': 'application/json' },
        body: JSON.stringify({ name: `Heavy ${i}`, description: '<'.repeat(2000), journey: heavyJourney() }),
      });
      expect(
        res.status,
        await res
          .clone()
          .text()
          .then((t) => t.slice(0, 300)),
      ).toBe(201);
    }

    const res = await fetch(`${runtime.url}/api/campaigns/list`, { headers: as(owner) });
    expect(res.status).toBe(200);
    const text = await res.text();
    const page = JSON.parse(text) as { campaigns: unknown[]; nextCursor?: string };
    expect(
      sentBytes(text),
      `${page.campaigns.length} campaigns answered: ${sentBytes(text)} bytes as sent, over a Lambda's 6 MB (a 5xx in the cloud)`,
    ).toBeLessThanOrEqual(LAMBDA_RESPONSE_MAX_BYTES);
  }, 180_000);
});
