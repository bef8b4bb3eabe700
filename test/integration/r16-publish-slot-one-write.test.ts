// Review round 16: this test failed at 5bc3520.
// A publish (or a resume, pause, archive, edit) wrote the campaign record and then, in separate
// writes, its trigger wiring: a failure between them left a scheduled campaign without its slot
// (or an event-triggered one without its index entry) and answered 500 for a change that landed.
/**
 * Through the `campaigns` function itself (functions/campaigns.ts, the handler API Gateway calls),
 * against the embedded emulators: once the campaign's record has been written, every further write
 * of the campaign's items in the core table throws a throttle (the SDK's retries spent), as a crash
 * or a timeout between two writes would. A change must land whole, with the slot (`nextRunAt`,
 * gsi1 `DUE#campaign`) and the trigger index entry it calls for, or not at all: never the record
 * without its wiring, and never a 500 for a change that landed.
 */
import { describe, expect, it } from 'vitest';
import { dynamoCampaignTriggers } from '../../shared/adapters/dynamo-campaign-triggers';
import { dynamoCampaignSchedule } from '../../shared/adapters/dynamo-campaigns';
import { DUE_CAMPAIGNS_PK } from '../../shared/adapters/keys';
import { campaignsFunctionForFile } from '../support/campaign-wiring';

const PREFIX = 'r16ps-';
const CORE = `${PREFIX}core`;

/** The campaign whose writes fail once its record was written (undefined: none fail). */
let failing: { campaignId: string; written: number } | undefined;

const WRITES = /^(Put|Update|Delete|TransactWrite|BatchWrite)/;

const wiring = campaignsFunctionForFile(PREFIX, {
  faults: async () => {
    const { dynamodb } = await import('../../shared/aws/dynamodb');
    // Outside the SDK's retries: a throttle here is one the retries did not get past.
    dynamodb.middlewareStack.add(
      (next, context) => async (args) => {
        const target = failing;
        const text = JSON.stringify(args.input);
        const ours =
          target !== undefined &&
          WRITES.test(String(context.commandName)) &&
          text.includes(CORE) &&
          text.includes(target.campaignId);
        if (ours && target.written > 0) {
          throw Object.assign(new Error('Rate of requests exceeds the allowed throughput'), {
            name: 'ThrottlingException',
            $metadata: { httpStatusCode: 400 },
          });
        }
        const out = await next(args);
        if (ours) target.written += 1;
        return out;
      },
      { step: 'initialize', name: 'r16-fail-after-first-write' },
    );
  },
});
const { call, record, owner } = wiring;

const DAILY = { type: 'schedule', cron: '0 9 * * ? *' };
const TAGGED = { type: 'tag-added', tag: 'r16-vip' };
const journeyOn = (on: unknown, exit = 'done') => ({
  nodes: [
    { id: 'start', kind: 'trigger', on, next: exit },
    { id: exit, kind: 'exit' },
  ],
});

const create = async (on: unknown) => {
  const created = await call('POST', 'POST /api/campaigns', undefined, { name: 'Daily', journey: journeyOn(on) });
  expect(created.status).toBe(201);
  return created.json.campaign.campaignId as string;
};
const publish = (id: string) => call('POST', 'POST /api/campaigns/{id}/publish', id);
const pause = (id: string) => call('POST', 'POST /api/campaigns/{id}/pause', id);
const resume = (id: string) => call('POST', 'POST /api/campaigns/{id}/resume', id);
const archive = (id: string) => call('POST', 'POST /api/campaigns/{id}/archive', id);
const edit = (id: string, body: unknown) => call('PATCH', 'PATCH /api/campaigns/{id}', id, body);

/** `act` with every write of the campaign's items after its first one throwing. */
async function withFailureAfterFirstWrite<T>(campaignId: string, act: () => Promise<T>): Promise<T> {
  failing = { campaignId, written: 0 };
  try {
    return await act();
  } finally {
    failing = undefined;
  }
}

/** The slot the scheduled trigger will find: `nextRunAt`, in the due index. */
const slotOf = async (id: string) => {
  const item = await record(id);
  return item.gsi1pk === DUE_CAMPAIGNS_PK && typeof item.nextRunAt === 'string' ? item.nextRunAt : undefined;
};
const dueSoon = async (id: string) => {
  const due = await dynamoCampaignSchedule(wiring.db, CORE).due(new Date(Date.now() + 2 * 86_400_000), 1000);
  return due.some((d) => d.campaignId === id);
};
const indexed = async (id: string) =>
  (
    await dynamoCampaignTriggers(wiring.db, CORE).find(owner.workspaceId, { kind: 'tag-added', value: 'r16-vip' })
  ).includes(id);

describe('a scheduled campaign keeps the slot it should have, whatever fails after the record write', () => {
  it('its first publish', async () => {
    const id = await create(DAILY);
    const answer = await withFailureAfterFirstWrite(id, () => publish(id));
    const stored = await record(id);
    // Either the publish landed with its slot, or nothing landed (and it says so, not with a 500).
    if (stored.status === 'active') {
      expect(await slotOf(id)).toEqual(expect.any(String));
      expect(await dueSoon(id)).toBe(true);
      expect(answer.status).toBe(200);
    } else {
      expect(answer.status).not.toBe(200);
      expect(answer.status).toBeLessThan(500);
    }
  });

  it('a republish', async () => {
    const id = await create(DAILY);
    expect((await publish(id)).status).toBe(200);
    const before = await slotOf(id);
    expect(before).toEqual(expect.any(String));
    await edit(id, { journey: journeyOn(DAILY, 'end') });
    const answer = await withFailureAfterFirstWrite(id, () => publish(id));
    expect(answer.status).toBe(200);
    expect((await record(id)).publishedVersion).toBe(2);
    expect(await slotOf(id)).toBe(before);
    expect(await dueSoon(id)).toBe(true);
  });

  it('a resume', async () => {
    const id = await create(DAILY);
    expect((await publish(id)).status).toBe(200);
    expect((await pause(id)).status).toBe(200);
    expect(await slotOf(id)).toBeUndefined();
    const answer = await withFailureAfterFirstWrite(id, () => resume(id));
    expect((await record(id)).status).toBe('active');
    expect(await slotOf(id)).toEqual(expect.any(String));
    expect(await dueSoon(id)).toBe(true);
    expect(answer.status).toBe(200);
  });

  it('an edit of the draft (the published schedule still launches)', async () => {
    const id = await create(DAILY);
    expect((await publish(id)).status).toBe(200);
    const before = await slotOf(id);
    const answer = await withFailureAfterFirstWrite(id, () => edit(id, { name: 'Daily, renamed' }));
    expect(answer.status).toBe(200);
    expect((await record(id)).name).toBe('Daily, renamed');
    expect(await slotOf(id)).toBe(before);
  });

  it('a pause, then an archive: the slot goes with the change, and the change answers 200', async () => {
    const id = await create(DAILY);
    expect((await publish(id)).status).toBe(200);
    const paused = await withFailureAfterFirstWrite(id, () => pause(id));
    expect(paused.status).toBe(200);
    expect((await record(id)).status).toBe('paused');
    expect(await slotOf(id)).toBeUndefined();
    expect((await resume(id)).status).toBe(200);
    expect(await slotOf(id)).toEqual(expect.any(String));
    const archived = await withFailureAfterFirstWrite(id, () => archive(id));
    expect(archived.status).toBe(200);
    expect((await record(id)).status).toBe('archived');
    expect(await slotOf(id)).toBeUndefined();
  });
});

describe('an event-triggered campaign keeps its trigger index entry the same way', () => {
  it('its first publish enters it in the index; a pause takes it out', async () => {
    const id = await create(TAGGED);
    const published = await withFailureAfterFirstWrite(id, () => publish(id));
    if ((await record(id)).status === 'active') {
      expect(published.status).toBe(200);
      expect(await indexed(id)).toBe(true);
    } else {
      expect(published.status).toBeLessThan(500);
      expect(await indexed(id)).toBe(false);
    }
    if ((await record(id)).status !== 'active') expect((await publish(id)).status).toBe(200);
    const paused = await withFailureAfterFirstWrite(id, () => pause(id));
    expect(paused.status).toBe(200);
    expect(await indexed(id)).toBe(false);
    expect((await resume(id)).status).toBe(200);
    expect(await indexed(id)).toBe(true);
  });
});
