/**
 * Review round 25, fixer f: a tag is one tag whatever the Unicode form and case it was typed in
 * (contacts store it NFC and lower-cased: tag-field.ts). The campaign engine compared tags as
 * given at run time: a `tag_added` event for "café" typed decomposed (an older contact's stored
 * spelling, or a client that sends NFD) started no `tag-added` campaign on "café", and woke no
 * enrolment waiting on a tag condition; a trigger saved before tags were NFC-normalised was
 * indexed under its decomposed spelling and found by no event.
 */
import { describe, expect, it } from 'vitest';
import type { Condition } from '../../../shared/campaigns/conditions';
import type { PublishedVersion } from '../../../shared/campaigns/enrolment';
import type { EnrolMessage } from '../../../shared/campaigns/messages';
import {
  eventTriggerKeys,
  type TriggerKey,
  type TriggerOn,
  triggerIndexKey,
  triggerMatches,
} from '../../../shared/campaigns/trigger';
import { triggerFromEvent } from '../../../shared/campaigns/trigger-from-event';
import type { CampaignTriggerIndex } from '../../../shared/campaigns/trigger-ports';
import { mayAffect } from '../../../shared/campaigns/wake-on-event';
import { isStale } from '../../../shared/crm/contacts/pending-events';

const NFC = 'caf\u00e9';
const NFD = 'cafe\u0301';
const UPPER_NFD = 'CAFE\u0301';

const tagEvent = (tag: string) => ({ type: 'contact.tag_added', detail: { contactId: 'c1', tag, eventId: 'e1' } });

describe('tag-added triggers match the tag in any Unicode form and case', () => {
  it('an event naming the tag decomposed or upper-cased matches a trigger on its composed spelling', () => {
    const on: TriggerOn = { type: 'tag-added', tag: NFC };
    expect(triggerMatches(on, tagEvent(NFD))).toBe(true);
    expect(triggerMatches(on, tagEvent(UPPER_NFD))).toBe(true);
    expect(triggerMatches(on, tagEvent('cafe'))).toBe(false);
  });

  it('a trigger stored decomposed (saved before tags were normalised) is indexed and matched as the tag', () => {
    const stored = { type: 'tag-added', tag: NFD } as TriggerOn;
    expect(triggerIndexKey(stored)).toEqual({ kind: 'tag-added', value: NFC });
    expect(triggerMatches(stored, tagEvent(NFC))).toBe(true);
  });

  it("an event's keys find index entries written under either stored form, each once", () => {
    const values = eventTriggerKeys(tagEvent(UPPER_NFD)).map((k) => k.value);
    expect(values).toContain(NFC);
    expect(values).toContain(NFD);
    expect(new Set(values).size).toBe(values.length);
    expect(eventTriggerKeys(tagEvent('vip'))).toEqual([{ kind: 'tag-added', value: 'vip' }]);
  });

  it('enrols the contact once into a campaign on "café" for a tag added decomposed', async () => {
    const on: TriggerOn = { type: 'tag-added', tag: NFC };
    const enrolled: EnrolMessage[] = [];
    const claims = new Set<string>();
    // An index holding the campaign under both spellings (one written before a re-sync).
    const index: CampaignTriggerIndex = {
      set: async () => undefined,
      find: async (_ws, key: TriggerKey) =>
        key.kind === 'tag-added' && [NFC, NFD].includes(key.value) ? ['cafe'] : [],
      claimed: async (_ws, eventId, contactId, campaignId) => claims.has(`${eventId}#${contactId}#${campaignId}`),
      claim: async (_ws, eventId, contactId, campaignId) => {
        claims.add(`${eventId}#${contactId}#${campaignId}`);
        return true;
      },
      setSchedule: async () => undefined,
      pendingSlot: async () => undefined,
      scheduleNext: async () => undefined,
    };
    const published = {
      workspaceId: 'w1',
      campaignId: 'cafe',
      version: 1,
      journey: {
        nodes: [
          { id: 'start', kind: 'trigger', on, next: 'done' },
          { id: 'done', kind: 'exit' },
        ],
      },
      rules: { timeZone: 'UTC', reentry: { mode: 'always' } },
    } as unknown as PublishedVersion;
    const deps = {
      index,
      versions: { load: async () => ({ status: 'active' as const, published }) },
      enrol: async (m: EnrolMessage) => void enrolled.push(m),
    };
    const envelope = {
      version: '0',
      id: 'eb-1',
      'detail-type': 'contact.tag_added',
      source: 'unite-hub',
      detail: { workspaceId: 'w1', contactId: 'c1', tag: NFD, eventId: 'e1' },
    };
    const outcome = await triggerFromEvent(envelope, deps);
    expect(enrolled.map((m) => m.campaignId)).toEqual(['cafe']);
    expect(outcome).toMatchObject({ matched: 1, enrolled: 1, replayed: 0 });
  });
});

describe('waking on a tag compares it as contacts hold it', () => {
  const condition: Condition = { type: 'tag', tag: NFC, has: true };
  it('a tag added decomposed or upper-cased may answer a condition on its composed spelling', () => {
    expect(mayAffect(condition, { type: 'contact.tag_added', tag: NFD })).toBe(true);
    expect(mayAffect(condition, { type: 'contact.tag_added', tag: UPPER_NFD })).toBe(true);
    expect(mayAffect(condition, { type: 'contact.tag_added', tag: 'cafe' })).toBe(false);
  });
});

describe('a pending tag_added event is stale only when the contact no longer holds the tag', () => {
  it('a contact holding the tag in another form still holds it', () => {
    const event = {
      type: 'contact.tag_added',
      workspaceId: 'w1',
      occurredAt: '2025-01-01T00:00:00.000Z',
      detail: { eventId: 'tag-1', contactId: 'c1', tag: NFC },
    };
    expect(isStale(event, { tags: [NFD], tier: 'cold' })).toBe(false);
    expect(isStale(event, { tags: ['cafe'], tier: 'cold' })).toBe(true);
  });
});
