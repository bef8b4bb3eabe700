/**
 * Per-item locking of the local DynamoDB's transactions (lib/local/emulators/keyed-locks.ts and
 * dynamodb-transact.ts): transactions on distinct items run at once, those sharing an item one
 * after the other, and two requests with one ClientRequestToken never overlap.
 */
import { describe, expect, it } from 'vitest';
import { TransactionEngine } from '../../../lib/local/emulators/dynamodb-transact';
import type { DynamoWire, WireObject } from '../../../lib/local/emulators/dynamodb-wire';
import { KeyedLocks } from '../../../lib/local/emulators/keyed-locks';

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('KeyedLocks', () => {
  it('runs tasks on disjoint names at once and tasks sharing a name in arrival order', async () => {
    const locks = new KeyedLocks();
    const events: string[] = [];
    const gates = new Map<string, () => void>();
    const task = (id: string) => async () => {
      events.push(`start ${id}`);
      await new Promise<void>((r) => gates.set(id, r));
      events.push(`end ${id}`);
      return id;
    };
    const a = locks.run(['x', 'y'], task('a'));
    const b = locks.run(['z'], task('b'));
    const c = locks.run(['y', 'w'], task('c'));
    for (let i = 0; i < 5; i += 1) await tick();
    expect([...events].sort()).toEqual(['start a', 'start b']);
    gates.get('b')?.();
    for (let i = 0; i < 5; i += 1) await tick();
    expect(events).not.toContain('start c');
    gates.get('a')?.();
    for (let i = 0; i < 5; i += 1) await tick();
    expect(events.slice(2)).toEqual(['end b', 'end a', 'start c']);
    gates.get('c')?.();
    expect(await Promise.all([a, b, c])).toEqual(['a', 'b', 'c']);
    expect(locks.size).toBe(0);
  });

  it('takes names in one order, so crossing requests cannot deadlock, and a failure releases', async () => {
    const locks = new KeyedLocks();
    const slow = () => new Promise<void>((r) => setTimeout(r, 5));
    const runs = Array.from({ length: 40 }, (_, i) =>
      locks.run(i % 2 ? ['p', 'q'] : ['q', 'p'], async () => {
        await slow();
        if (i % 7 === 0) throw new Error(`task ${i}`);
        return i;
      }),
    );
    const settled = await Promise.allSettled(runs);
    expect(settled.filter((s) => s.status === 'rejected')).toHaveLength(6);
    expect(locks.size).toBe(0);
  });
});

/** A wire that holds each PutItem until released, and counts the PutItems running at once. */
function heldWire() {
  let running = 0;
  let most = 0;
  const waiting: Array<() => void> = [];
  const wire = {
    async call(operation: string, _input: WireObject): Promise<WireObject> {
      if (operation === 'DescribeTable') return { Table: { KeySchema: [{ AttributeName: 'pk' }] } };
      if (operation === 'GetItem') return {};
      running += 1;
      most = Math.max(most, running);
      await new Promise<void>((r) => waiting.push(r));
      running -= 1;
      return {};
    },
  };
  const releaseAll = async () => {
    for (let i = 0; i < 20; i += 1) {
      for (const release of waiting.splice(0)) release();
      await tick();
    }
  };
  return { wire: wire as unknown as DynamoWire, releaseAll, most: () => most, running: () => running };
}

const put = (pk: string) => ({ Put: { TableName: 'core', Item: { pk: { S: pk }, v: { N: '1' } } } });

describe('TransactionEngine locking', () => {
  it('overlaps transactions on distinct items and serialises those sharing one', async () => {
    const { wire, releaseAll, most, running } = heldWire();
    const engine = new TransactionEngine(wire, () => undefined);
    const disjoint = [
      engine.transactWrite({ TransactItems: [put('a'), put('b')] }),
      engine.transactWrite({ TransactItems: [put('c')] }),
    ];
    for (let i = 0; i < 10; i += 1) await tick();
    expect(running()).toBe(3);
    await releaseAll();
    expect((await Promise.all(disjoint)).map((r) => r.status)).toEqual([200, 200]);
    expect(most()).toBe(3);

    const { wire: wire2, releaseAll: release2, running: running2 } = heldWire();
    const engine2 = new TransactionEngine(wire2, () => undefined);
    const sharing = [
      engine2.transactWrite({ TransactItems: [put('a'), put('b')] }),
      engine2.transactWrite({ TransactItems: [put('b'), put('c')] }),
    ];
    for (let i = 0; i < 10; i += 1) await tick();
    expect(running2()).toBe(2);
    await release2();
    expect((await Promise.all(sharing)).map((r) => r.status)).toEqual([200, 200]);
  });

  it('never runs two requests with one ClientRequestToken at once, whatever their items', async () => {
    const { wire, releaseAll, running } = heldWire();
    const engine = new TransactionEngine(wire, () => undefined);
    const first = engine.transactWrite({ TransactItems: [put('a')], ClientRequestToken: 'tok-1' });
    const replay = engine.transactWrite({ TransactItems: [put('a')], ClientRequestToken: 'tok-1' });
    const other = engine.transactWrite({ TransactItems: [put('b')], ClientRequestToken: 'tok-1' });
    for (let i = 0; i < 10; i += 1) await tick();
    expect(running()).toBe(1);
    await releaseAll();
    const [a, b, c] = await Promise.all([first, replay, other]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(c.status).toBe(400);
    expect(String(c.body.__type)).toMatch(/IdempotentParameterMismatchException$/);
  });
});
