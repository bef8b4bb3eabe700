/**
 * POST /api/campaigns/{id}/enrol honours an Idempotency-Key, through the whole local runtime
 * (review finding: a client retrying after a lost 202 started a second launch, and under re-entry
 * `always` every contact ran the journey twice). The journey ends at once, so a second launch
 * would re-enter everyone (run 2):
 * - a filter enrol sent twice with one key: the same 202 (`idempotent-replayed` on the retry),
 *   one launch, every contact on run 1; without a key, the control: two launches, run 2;
 * - the same key with another body: 422 IDEMPOTENCY_KEY_REUSED, nothing started;
 * - a contact-id enrol sent twice with one key: the same counts, run 1.
 * One runtime for the file.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../lib/local/runtime';
import { as, newUser, type TestUser } from '../support/identity';
import { eventually, json, okJson, startTestRuntime } from '../support/local-runtime';

let runtime: Runtime;
let owner: TestUser;

beforeAll(async () => {
  runtime = await startTestRuntime(undefined, { RATE_LIMITS: 'off', TIME_SCALE: '43200' });
  owner = await newUser(runtime, 'enrol-once');
}, 60_000);
afterAll(async () => {
  await runtime?.stop();
});

const api = (method: string, path: string, body?: unknown, key?: string) =>
  fetch(`${runtime.url}${path}`, {
    method,
    headers: { ...as(owner), ...(key === undefined ? {} : { 'Idempotency-Key': key }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

/** A published campaign whose journey ends at once, re-entry `always`. */
const campaign = async () => {
  const created = await okJson(
    await api('POST', '/api/campaigns', {
      name: `Enrol once ${randomUUID().slice(0, 8)}`,
      journey: {
        nodes: [
          { id: 'start', kind: 'trigger', next: 'done' },
          { id: 'done', kind: 'exit' },
        ],
      },
      rules: { timeZone: 'UTC', reentry: { mode: 'always' } },
    }),
    201,
  );
  const id = created.campaign.campaignId as string;
  await okJson(await api('POST', `/api/campaigns/${id}/publish`));
  return id;
};

/** `count` contacts carrying a fresh tag. */
const tagged = async (count: number) => {
  const tag = `t${randomUUID().slice(0, 8)}`;
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const created = await okJson(
      await api('POST', '/api/contacts', { email: `${tag}-${i}@example.com`, tags: [tag] }),
      201,
    );
    ids.push(created.contact.contactId as string);
  }
  return { tag, ids };
};

type Enrolment = { campaignId: string; run: number; endedAt?: string };
const enrolmentOf = async (contactId: string, campaignId: string): Promise<Enrolment | undefined> =>
  ((await json(await api('GET', `/api/contacts/${contactId}/enrolments`))).enrolments as Enrolment[]).find(
    (e) => e.campaignId === campaignId,
  );
/** Each contact's run once every one of them has ended its journey. */
const runsOnceExited = (ids: string[], campaignId: string) =>
  eventually(async () => {
    const found = await Promise.all(ids.map((id) => enrolmentOf(id, campaignId)));
    return found.every((e) => e?.endedAt !== undefined) ? found.map((e) => e?.run) : undefined;
  }, 20_000);
const launchDone = (campaignId: string, launchId: string) =>
  eventually(async () => {
    const { launch } = await json(await api('GET', `/api/campaigns/${campaignId}/launches/${launchId}`));
    return launch?.status === 'done' ? launch : undefined;
  }, 20_000);
/** Long enough for a second launch or a second batch of enrol messages to have run. */
const settle = () => new Promise((r) => setTimeout(r, 2_500));

describe('POST /api/campaigns/{id}/enrol with an Idempotency-Key', () => {
  it('a filter enrol retried with the same key starts one launch and answers the first 202 again', async () => {
    const id = await campaign();
    const { tag, ids } = await tagged(3);
    const key = randomUUID();
    const first = await api('POST', `/api/campaigns/${id}/enrol`, { filter: { tag } }, key);
    const firstBody = await okJson(first, 202);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const retried = await api('POST', `/api/campaigns/${id}/enrol`, { filter: { tag } }, key);
    expect(await okJson(retried, 202)).toEqual(firstBody);
    expect(retried.headers.get('idempotent-replayed')).toBe('true');

    await launchDone(id, firstBody.launchId);
    await settle();
    expect(await runsOnceExited(ids, id)).toEqual([1, 1, 1]);

    // The same key with another body is refused, and starts nothing.
    const reused = await api('POST', `/api/campaigns/${id}/enrol`, { filter: { tag: `${tag}x` } }, key);
    expect(reused.status).toBe(422);
    expect(await json(reused)).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    // A key is the route's own: the same key names nothing on another campaign's enrol.
    const other = await campaign();
    expect((await api('POST', `/api/campaigns/${other}/enrol`, { filter: { tag } }, key)).status).toBe(422);
  });

  it('without a key (the control) the same request twice is two launches: everyone runs twice', async () => {
    const id = await campaign();
    const { tag, ids } = await tagged(2);
    const first = await okJson(await api('POST', `/api/campaigns/${id}/enrol`, { filter: { tag } }), 202);
    await launchDone(id, first.launchId);
    await runsOnceExited(ids, id);
    const second = await okJson(await api('POST', `/api/campaigns/${id}/enrol`, { filter: { tag } }), 202);
    expect(second.launchId).not.toBe(first.launchId);
    await launchDone(id, second.launchId);
    await eventually(async () => {
      const runs = await runsOnceExited(ids, id);
      return runs.every((r) => r === 2) ? runs : undefined;
    }, 20_000);
  });

  it('a contact-id enrol retried with the same key answers the same counts and enrols once', async () => {
    const id = await campaign();
    const { ids } = await tagged(2);
    const key = randomUUID();
    const first = await okJson(await api('POST', `/api/campaigns/${id}/enrol`, { contactIds: ids }, key), 202);
    expect(first).toEqual({ queued: 2, suppressed: 0 });
    await runsOnceExited(ids, id);
    const retried = await api('POST', `/api/campaigns/${id}/enrol`, { contactIds: ids }, key);
    expect(await okJson(retried, 202)).toEqual(first);
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    await settle();
    expect(await runsOnceExited(ids, id)).toEqual([1, 1]);
  });
});
