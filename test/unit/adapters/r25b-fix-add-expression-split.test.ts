/**
 * Review round 25 (b): ADD expressions built from a list of counter names stay within DynamoDB's
 * 4 KB expression limit (add-expression.ts), and a campaign's counters go to one stats item per
 * subject (dynamo-enrolments.ts `counterSubject`), so no item holds more names than the code has
 * kinds or families, however many nodes and versions users make.
 */
import { describe, expect, it } from 'vitest';
import { addExpressions, MAX_EXPRESSION_BYTES } from '../../../shared/adapters/dynamo/add-expression';
import { counterSubject, counterUpdates } from '../../../shared/adapters/dynamo-enrolments';

describe('addExpressions', () => {
  it('cuts a long list into expressions within 4 KB, each counter in exactly one', () => {
    const deltas = Object.fromEntries(Array.from({ length: 1500 }, (_, i) => [`node:n${i}:entered`, i + 1]));
    const out = addExpressions(deltas);
    expect(out.length).toBeGreaterThan(1);
    for (const e of out) expect(Buffer.byteLength(e.UpdateExpression)).toBeLessThanOrEqual(MAX_EXPRESSION_BYTES);
    const added: Record<string, number> = {};
    for (const e of out) {
      for (const [placeholder, name] of Object.entries(e.ExpressionAttributeNames)) {
        expect(added[name]).toBeUndefined();
        added[name] = e.ExpressionAttributeValues[`:${placeholder.slice(1)}`] as number;
      }
      expect(e.UpdateExpression.match(/#c\d+ :c\d+/g)).toHaveLength(Object.keys(e.ExpressionAttributeNames).length);
    }
    expect(added).toEqual(deltas);
  });

  it('skips zero deltas; none at all: no expression', () => {
    expect(addExpressions({ a: 0 })).toEqual([]);
    expect(addExpressions({ a: 0, b: 2 })).toEqual([
      {
        UpdateExpression: 'ADD #c0 :c0',
        ExpressionAttributeNames: { '#c0': 'b' },
        ExpressionAttributeValues: { ':c0': 2 },
      },
    ]);
  });

  it('honours a smaller budget', () => {
    const out = addExpressions({ a: 1, b: 1, c: 1 }, 'ADD #c0 :c0, #c1 :c1'.length);
    expect(out.map((e) => e.UpdateExpression)).toEqual(['ADD #c0 :c0, #c1 :c1', 'ADD #c0 :c0']);
  });
});

describe('the stats item of a counter', () => {
  it('is keyed by its subject: campaign-wide, a node, an arm or a line', () => {
    expect(counterSubject('entered')).toBeUndefined();
    expect(counterSubject('node:welcome:sent')).toBe('node:welcome');
    expect(counterSubject('arm:split1:a')).toBe('of:split1:a');
    expect(counterSubject('armconv:split1:a')).toBe('of:split1:a');
    expect(counterSubject('armopen:split1:a')).toBe('of:split1:a');
    expect(counterSubject('variant:mail:k3')).toBe('of:mail:k3');
  });

  it('holds a bounded set of names however many versions and nodes write to the campaign', () => {
    const names: string[] = ['entered', 'completed', 'converted'];
    for (let v = 0; v < 6; v++) {
      for (let s = 0; s < 60; s++) {
        const node = `v${v}-split-${s}`.padEnd(40, 'x');
        for (const kind of ['entered', 'sent', 'delivered', 'opened', 'clicked', 'converted'])
          names.push(`node:${node}:${kind}`);
        for (let a = 0; a < 10; a++) {
          const arm = `arm-${v}-${a}`.padEnd(40, 'x');
          for (const f of ['arm', 'armconv', 'armopen', 'armclick']) names.push(`${f}:${node}:${arm}`);
        }
      }
    }
    const updates = counterUpdates('core', 'ws', 'cmp', Object.fromEntries(names.map((n) => [n, 1])), 'contact-1');
    const perItem = new Map<string, number>();
    for (const u of updates) {
      const sk = String(u.Update?.Key?.sk);
      perItem.set(sk, (perItem.get(sk) ?? 0) + Object.keys(u.Update?.ExpressionAttributeNames ?? {}).length);
      expect(Buffer.byteLength(String(u.Update?.UpdateExpression))).toBeLessThanOrEqual(MAX_EXPRESSION_BYTES);
    }
    expect(Math.max(...perItem.values())).toBeLessThanOrEqual(6);
    expect([...perItem.values()].reduce((a, b) => a + b, 0)).toBe(names.length);
    // Every item is read back by the campaign's prefix (campaignCounters).
    for (const sk of perItem.keys()) expect(sk.startsWith('CAMPAIGNSTATS#cmp#')).toBe(true);
  });
});
