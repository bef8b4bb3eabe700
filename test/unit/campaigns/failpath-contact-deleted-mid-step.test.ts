// Review round 16: this test failed at 5bc3520.
// A contact deleted while a step ran (after the step read it, before a tag, field or score action
// wrote it) ended the enrolment `failed` ("The contact no longer exists"): counted as a failure,
// raising the failed-enrolments alarm and offering a retry. It exits `contact-deleted`, as a
// contact deleted before the step does, whichever node noticed.
import { describe, expect, it } from 'vitest';
import type { EnrolmentState } from '../../../shared/campaigns/enrolment';
import type { JourneyAction } from '../../../shared/campaigns/journey';
import { journeyActions } from '../../../shared/campaigns/journey-actions';
import type { StepMessage } from '../../../shared/campaigns/messages';
import type { StepDeps } from '../../../shared/campaigns/ports';
import { enrolContact, runStep } from '../../../shared/campaigns/run-step';
import { ContactNotFoundError } from '../../../shared/crm/contacts/errors';
import type { Contact } from '../../../shared/crm/model';
import { NotFoundError } from '../../../shared/errors';
import { MemoryEvents, MemoryScoreStore } from '../crm/scoring/memory-store';
import { CAMPAIGN, campaignWorld, DAY, WS } from './campaign-world';

type World = ReturnType<typeof campaignWorld>;

const contactOf = (id: string): Contact => ({
  contactId: id,
  workspaceId: WS,
  email: `${id}@example.com`,
  status: 'lead',
  tags: [],
  customFields: {},
  score: 0,
  tier: 'cold',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
});

const journeyWith = (action: JourneyAction) => ({
  nodes: [
    { id: 'start', kind: 'trigger', next: 'wait' },
    { id: 'wait', kind: 'wait', for: { type: 'duration', duration: { days: 1 } }, next: 'act' },
    { id: 'act', kind: 'action', action, next: 'end' },
    { id: 'end', kind: 'exit' },
  ],
});

/**
 * The real action performer over an in-memory contact store. `deleteAt` says when the contact is
 * deleted: `before-read` (the action's own read finds it deleted), `before-write` (its write finds
 * it deleted: the store throws, as the DynamoDB adapter's condition does).
 */
function performerFor(w: World, store: Map<string, Contact>, deleteAt: 'before-read' | 'before-write'): StepDeps {
  const scores = new MemoryScoreStore();
  if (deleteAt === 'before-write') {
    // The score store's write condition finds the contact gone (dynamo-score-store.ts).
    scores.beforeCommit = () => {
      throw new NotFoundError('Contact not found', 'CONTACT_NOT_FOUND');
    };
  }
  const actions = journeyActions({
    contacts: {
      get: async (_ws, id) => {
        const contact = store.get(id);
        if (contact && deleteAt === 'before-read') return { ...contact, deletedAt: '2026-12-08T09:00:00Z' };
        return contact;
      },
      update: async () => {
        throw new ContactNotFoundError();
      },
    },
    now: w.deps.now,
    scoring: { store: scores, events: new MemoryEvents(), now: w.deps.now },
    webhooks: { secrets: { get: async () => 'whsec_test', put: async () => true }, poster: {} as never },
    notify: {} as never,
  });
  return { ...w.deps, actions };
}

const stepOf = (s: EnrolmentState): StepMessage => ({
  kind: 'step',
  workspaceId: s.workspaceId,
  campaignId: s.campaignId,
  contactId: s.contactId,
  run: s.run,
  step: s.step,
});

const CASES: Array<[string, JourneyAction, 'before-read' | 'before-write']> = [
  ['add-tag (its read finds the contact deleted)', { type: 'add-tag', tag: 'trial' }, 'before-read'],
  ['add-tag (its write finds the contact deleted)', { type: 'add-tag', tag: 'trial' }, 'before-write'],
  [
    'set-field (its write finds the contact deleted)',
    { type: 'set-field', field: 'stage', value: 'x' },
    'before-write',
  ],
  ['remove-tag (its read finds the contact deleted)', { type: 'remove-tag', tag: 'trial' }, 'before-read'],
  ['adjust-score (its read finds the contact deleted)', { type: 'adjust-score', points: 5 }, 'before-read'],
  ['adjust-score (its write finds the contact deleted)', { type: 'adjust-score', points: 5 }, 'before-write'],
];

describe('a contact deleted while its step runs', () => {
  it.each(CASES)('%s: the enrolment exits contact-deleted, not failed', async (_name, action, deleteAt) => {
    const w = campaignWorld(journeyWith(action));
    w.addContact('c1');
    const store = new Map([['c1', { ...contactOf('c1'), tags: ['trial'] }]]);
    const deps = performerFor(w, store, deleteAt);
    await enrolContact({ workspaceId: WS, campaignId: CAMPAIGN, contactId: 'c1', launchId: 'l1' }, deps, 'm-0');
    const waiting = stepOf(w.enrolments.get(`${CAMPAIGN}#c1`) as EnrolmentState);
    w.timers.length = 0;

    // The step reads the contact live (its snapshot), then the contact is deleted before the action.
    await w.advanceTo(w.now() + DAY);
    const outcome = await runStep(waiting, deps, 'm-1');

    const state = w.enrolments.get(`${CAMPAIGN}#c1`) as EnrolmentState;
    // Failed at 5bc3520: ended `failed` with "The contact no longer exists" (or the score write's
    // 404 thrown, the step retried until it failed).
    expect(outcome).toEqual({ status: 'ended', reason: 'contact-deleted' });
    expect(state).toMatchObject({ status: 'exited', exitReason: 'contact-deleted' });
    expect(state.failure).toBeUndefined();
    expect(w.counters.get('exited:contact-deleted')).toBe(1);
    expect(w.counters.get('exited:failed') ?? 0).toBe(0);
    // No failed-enrolments alarm for it.
    expect(w.failures.count).toBe(0);
  });
});
