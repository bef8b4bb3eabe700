// Review round 25 (c): the abuse alert of the rate limiter (shared/security/abuse-alerts.ts) is raised
// only when the refusal counter's ADD answers exactly ABUSE_THRESHOLD (`count !== 50` returns). The
// counter is a plain `ADD` (dynamo-counter-store.ts `incrementBelow`) with no mark of its own: when
// DynamoDB applies the 50th refusal's ADD and its answer is lost (a 500, a reset, a timeout), the
// functions' SDK retries it, the counter goes 49 -> 50 -> 51, the call reads 51, and no later
// refusal of that 5-minute window ever reads 50 again: the `rate_limit_exceeded` alert of a client
// hammering the API is never raised for the window. The same class as round 24/25's retried
// non-idempotent writes (own-write.ts), here silencing a security alert.
// Severity: LOW (needs a lost DynamoDB answer at the 50th refusal; the flood itself is still refused).
// Fails at 679faf6. Reached by: any client refused 50 times within 5 minutes whose 50th refusal's
// counter write has its answer lost.
import { describe, expect, it } from 'vitest';
import { dynamoCounterStore } from '../../shared/adapters/dynamo-counter-store';
import { ABUSE_THRESHOLD, recordRateLimitRefusal, type SecurityAlert } from '../../shared/security/abuse-alerts';
import { type DynamoHarness, dynamoForFile } from '../support/dynamo-emulator';
import { losingFirstAnswer } from '../support/lost-answer';

let dynamo: DynamoHarness;
dynamoForFile('r25cabuse-', (h) => {
  dynamo = h;
});

describe('abuse alert after a lost answer (r25c)', () => {
  it('raises the alert when the threshold-crossing refusal count is applied and its answer lost', async () => {
    const table = dynamo.table('ephemeral');
    const nowMs = Date.parse('2026-12-07T10:01:00.000Z');
    const client = `ip:198.51.100.${Math.floor(Math.random() * 200) + 1}`;
    const alerts: SecurityAlert[] = [];
    const sink = { raise: async (alert: SecurityAlert) => void alerts.push(alert) };
    let n = 0;
    const refusal = () => ({ client, rule: 'tier-public', nowMs, newId: () => `alert-${++n}` });

    // 49 refusals counted normally: no alert yet.
    const plain = dynamoCounterStore(dynamo.db, table);
    for (let i = 1; i < ABUSE_THRESHOLD; i++) {
      expect(await recordRateLimitRefusal(refusal(), { counters: plain, alerts: sink })).toBe(false);
    }
    expect(alerts).toHaveLength(0);

    // The 50th: DynamoDB applies the ADD, the answer is lost, the SDK retries it.
    const lossy = losingFirstAnswer(dynamo.emulators.dynamodb.endpoint, 'UpdateItemCommand', (input) =>
      JSON.stringify(input.Key).includes('ABUSE#'),
    );
    const counters = dynamoCounterStore(lossy.db, table);
    await recordRateLimitRefusal(refusal(), { counters, alerts: sink });
    expect(lossy.lost()).toBe(1);
    // A few more refusals in the same window.
    for (let i = 0; i < 5; i++) await recordRateLimitRefusal(refusal(), { counters: plain, alerts: sink });

    // One client refused past the threshold in the window: one alert.
    expect(alerts).toHaveLength(1);
  });
});
