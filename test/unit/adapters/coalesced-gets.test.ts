/** withCoalescedGets: concurrent plain reads share BatchGetItem calls; anything else is passed through. */
import { BatchGetCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { groupedRounds, withCoalescedGets } from '../../../shared/adapters/dynamo/batch';

type Item = Record<string, unknown>;

/** A document client over a map of items, recording what it was sent. */
function fakeClient(items: Item[], options: { refuse?: (key: Item) => boolean } = {}) {
  const sent: string[] = [];
  const find = (key: Item) => items.find((i) => i.pk === key.pk && i.sk === key.sk);
  const refused = (key: Item) => options.refuse?.(key) === true;
  const validation = () => Object.assign(new Error('bad key'), { name: 'ValidationException' });
  const client = {
    send: async (command: unknown) => {
      if (command instanceof BatchGetCommand) {
        const [table, request] = Object.entries(command.input.RequestItems ?? {})[0] ?? [];
        const keys = (request?.Keys ?? []) as Item[];
        sent.push(`BatchGet ${keys.length}${request?.ConsistentRead ? ' consistent' : ''}`);
        if (keys.some(refused)) throw validation();
        return { Responses: { [String(table)]: keys.map(find).filter(Boolean) }, UnprocessedKeys: {} };
      }
      if (command instanceof GetCommand) {
        sent.push(`Get${command.input.ProjectionExpression ? ' projected' : ''}`);
        if (refused(command.input.Key as Item)) throw validation();
        return { Item: find(command.input.Key as Item) };
      }
      sent.push((command as object).constructor.name);
      return {};
    },
  };
  return { db: withCoalescedGets(client as unknown as DynamoDBDocumentClient), sent };
}

const get = (db: DynamoDBDocumentClient, sk: string, consistent = true) =>
  db
    .send(new GetCommand({ TableName: 't', Key: { pk: 'p', sk }, ...(consistent ? { ConsistentRead: true } : {}) }))
    .then((out) => out.Item);

describe('withCoalescedGets', () => {
  it('reads asked for together go in one BatchGetItem per table and consistency', async () => {
    const { db, sent } = fakeClient([
      { pk: 'p', sk: 'a', n: 1 },
      { pk: 'p', sk: 'b', n: 2 },
    ]);
    const [a, b, missing, again] = await Promise.all([get(db, 'a'), get(db, 'b'), get(db, 'z'), get(db, 'a')]);
    expect([a?.n, b?.n, missing, again?.n]).toEqual([1, 2, undefined, 1]);
    expect(sent).toEqual(['BatchGet 3 consistent']);
    await Promise.all([get(db, 'a', false), get(db, 'b', false)]);
    expect(sent.at(-1)).toBe('BatchGet 2');
  });

  it('passes projected reads and writes through as they are', async () => {
    const { db, sent } = fakeClient([{ pk: 'p', sk: 'a' }]);
    await db.send(new GetCommand({ TableName: 't', Key: { pk: 'p', sk: 'a' }, ProjectionExpression: 'pk' }));
    await db.send(new PutCommand({ TableName: 't', Item: { pk: 'p', sk: 'b' } }));
    expect(sent).toEqual(['Get projected', 'PutCommand']);
  });

  it('a bad key fails only its own read, not the others of its batch', async () => {
    const { db, sent } = fakeClient([{ pk: 'p', sk: 'a', n: 1 }], { refuse: (key) => key.sk === 'bad' });
    const [good, bad] = await Promise.allSettled([get(db, 'a'), get(db, 'bad')]);
    expect(good).toMatchObject({ status: 'fulfilled', value: { n: 1 } });
    expect(bad).toMatchObject({ status: 'rejected', reason: { name: 'ValidationException' } });
    expect(sent).toEqual(['BatchGet 2 consistent', 'Get', 'Get']);
  });
});

describe('groupedRounds', () => {
  it('runs the calls of one group asked together as one, the next ones in the next round', async () => {
    const runs: string[][] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const add = groupedRounds<{ group: string; n: string }>(
      (c) => c.group,
      async (members) => {
        runs.push(members.map((m) => m.n));
        if (runs.length === 1) await gate;
      },
    );
    const first = [add({ group: 'a', n: '1' })];
    await Promise.resolve();
    await Promise.resolve();
    // Asked while the first round is in flight: they wait for it and then go together, by group.
    const later = [add({ group: 'a', n: '2' }), add({ group: 'b', n: '3' }), add({ group: 'a', n: '4' })];
    release();
    await Promise.all([...first, ...later]);
    expect(runs).toEqual([['1'], ['2', '4'], ['3']]);
  });

  it('fails every member of a failed run, and only those', async () => {
    const add = groupedRounds<{ group: string }>(
      (c) => c.group,
      async ([m]) => {
        if (m?.group === 'bad') throw new Error('store down');
      },
    );
    const out = await Promise.allSettled([add({ group: 'bad' }), add({ group: 'bad' }), add({ group: 'ok' })]);
    expect(out.map((o) => o.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
  });
});
