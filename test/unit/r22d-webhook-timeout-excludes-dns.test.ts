// Review round 22: this test failed at 58080d4.
/**
 * Review round 22 (d): the webhook action's time limit does not cover resolving the host.
 *
 * docs/CAMPAIGNS.md ("Actions"): a `webhook` action is "one POST per attempt, 5 s timeout". Under
 * the strict policy (every deployed stage), fetchWebhookPoster (shared/adapters/fetch-webhook-poster.ts)
 * first awaits `resolve(host)` and only then creates `AbortSignal.timeout(timeoutMs)`: the name's
 * resolution runs with no limit at all. The host is whatever a campaign editor typed, so its
 * authoritative DNS server is theirs: answering slowly (or not at all, until the resolver gives up)
 * holds the attempt far past 5 s, on the libuv threadpool the drip-step worker's other records
 * (a batch's 10 run at once) and the AWS SDK's own lookups share.
 *
 * The test gives the poster a resolver (its documented seam) that answers after 1.5 s, with a
 * 200 ms limit: the attempt should be over (unreachable, "no answer within 200 ms") well within
 * a second, whatever the name's DNS does.
 */
import { describe, expect, it } from 'vitest';
import { fetchWebhookPoster } from '../../shared/adapters/fetch-webhook-poster';

describe('webhook poster time limit (strict policy)', () => {
  it('ends an attempt within its timeout even when the host name is slow to resolve', async () => {
    const timeoutMs = 200;
    const poster = fetchWebhookPoster({
      policy: { allowPrivate: false },
      timeoutMs,
      // An attacker-run nameserver: answers (nothing) after 1.5 s.
      resolve: () => new Promise<readonly string[]>((resolve) => setTimeout(() => resolve([]), 1500)),
    });
    const started = Date.now();
    const answer = await poster.post('https://slow-dns.example.test/hook', '{}', {
      'content-type': 'application/json',
    });
    const elapsed = Date.now() - started;
    expect(answer.kind).toBe('unreachable');
    expect(
      elapsed,
      `the attempt took ${elapsed} ms with a ${timeoutMs} ms limit (answer ${JSON.stringify(answer)})`,
    ).toBeLessThan(timeoutMs + 600);
  });
});
