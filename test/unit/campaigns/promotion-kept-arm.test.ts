/**
 * Regression (review): a split (or an email node's subject lines) inside a loop. A contact is
 * counted in its arm once per run, on its first pass, and keeps that arm on every pass (docs
 * "A split inside a loop"). A promotion made between two passes moved it to the promoted arm on
 * its next pass, where it was never counted: its conversion then landed in
 * `armconv:<split>:<promoted>` (more conversions than contacts entered) and its own arm lost it.
 * A promotion is for first arrivals only (execute-node.ts).
 */
import { describe, expect, it } from 'vitest';
import type { CampaignRules } from '../../../shared/campaigns/enrolment';
import { enrolContact } from '../../../shared/campaigns/run-step';
import { armFor, subjectLineId, variantFor } from '../../../shared/campaigns/split';
import { CAMPAIGN, campaignWorld, DAY, WS } from './campaign-world';

type World = ReturnType<typeof campaignWorld>;

const SPLIT = {
  id: 'ab',
  kind: 'split',
  holdoutPercent: 0,
  arms: [
    { id: 'a', percent: 50, next: 'mail' },
    { id: 'b', percent: 50, next: 'mail' },
  ],
};
const LOOP = [
  { id: 'week', kind: 'wait', for: { type: 'duration', duration: { days: 7 } }, next: 'more' },
  { id: 'more', kind: 'condition', if: { type: 'tag', tag: 'stop' }, yes: 'end', no: 'top' },
  { id: 'end', kind: 'exit' },
];
const SPLIT_LOOP = {
  nodes: [
    { id: 'start', kind: 'trigger', next: 'ab' },
    SPLIT,
    { id: 'mail', kind: 'email', templateId: 't1', next: 'week' },
    ...LOOP.map((n) => (n.id === 'more' ? { ...n, no: 'ab' } : n)),
  ],
};
const SUBJECTS = ['Hello', 'Hi there'];
/** The line ids the counters and the recorded arm are keyed by (split.ts `subjectLineId`). */
const LINE = SUBJECTS.map(subjectLineId);
const VARIANT_LOOP = {
  nodes: [
    { id: 'start', kind: 'trigger', next: 'mail' },
    { id: 'mail', kind: 'email', templateId: 't1', subjectVariants: SUBJECTS, next: 'week' },
    ...LOOP.map((n) => (n.id === 'more' ? { ...n, no: 'mail' } : n)),
  ],
};
const GOAL = { goal: { if: { type: 'tag', tag: 'customer', has: true }, withinDays: 90 } } as Partial<CampaignRules>;

const ids = Array.from({ length: 200 }, (_, i) => `p${i}`);
const enrol = (w: World, contactId: string) =>
  enrolContact({ workspaceId: WS, campaignId: CAMPAIGN, contactId, launchId: 'l1' }, w.deps);
/** A promotion, as dynamoCampaignVersions.load merges it into the rules of the running version. */
const promote = (w: World, promotions: CampaignRules['promotions']) => {
  (w.published.rules as { promotions?: CampaignRules['promotions'] }).promotions = promotions;
};
const tag = (w: World, contactId: string, t: string) => {
  const c = w.contacts.get(contactId);
  if (c) w.contacts.set(contactId, { ...c, tags: [...c.tags, t] });
};
const counters = (w: World) => Object.fromEntries(w.counters);

describe('a promotion between two passes of an A/B node in a loop', () => {
  it('leaves a split contact in the arm it was counted in; a first arrival takes the winner', async () => {
    const inA = ids.filter((c) => armFor(SPLIT, CAMPAIGN, c)?.id === 'a');
    const [looping, newcomer] = inA as [string, string];
    const w = campaignWorld(SPLIT_LOOP, GOAL);
    w.addContact(looping);
    await enrol(w, looping);
    expect(w.enrolments.get(`${CAMPAIGN}#${looping}`)?.arms.ab).toBe('a');

    promote(w, { ab: { arm: 'b', by: 'user:u1', at: new Date(w.now()).toISOString() } });
    await w.advanceTo(w.now() + 7 * DAY + 1000); // the second pass through the split
    expect(w.enrolments.get(`${CAMPAIGN}#${looping}`)?.arms.ab).toBe('a');
    tag(w, looping, 'customer');
    await w.advanceTo(w.now() + 7 * DAY + 1000); // converts (the campaign goal)

    w.addContact(newcomer);
    await enrol(w, newcomer);
    expect(w.enrolments.get(`${CAMPAIGN}#${newcomer}`)?.arms.ab).toBe('b');

    const c = counters(w);
    expect(c).toMatchObject({ 'arm:ab:a': 1, 'arm:ab:b': 1, 'armconv:ab:a': 1 });
    expect(c['armconv:ab:b'] ?? 0).toBe(0);
  });

  it('keeps the subject line a contact got on its first pass of the run', async () => {
    const [looping] = ids.filter((c) => variantFor(SUBJECTS.length, CAMPAIGN, 'mail', c) === 0) as [string];
    const w = campaignWorld(VARIANT_LOOP, GOAL);
    w.addContact(looping);
    await enrol(w, looping);
    promote(w, { mail: { variant: 1, subject: 'Hi there', by: 'user:u1', at: new Date(w.now()).toISOString() } });
    await w.advanceTo(w.now() + 7 * DAY + 1000); // the second mail
    tag(w, looping, 'customer');
    await w.advanceTo(w.now() + 7 * DAY + 1000);

    expect([...w.sends.values()].map((s) => s.subject)).toEqual(['Hello', 'Hello']);
    const c = counters(w);
    expect(c).toMatchObject({ [`variant:mail:${LINE[0]}`]: 2, [`armconv:mail:${LINE[0]}`]: 1 });
    expect(c[`variant:mail:${LINE[1]}`] ?? 0).toBe(0);
    expect(c[`armconv:mail:${LINE[1]}`] ?? 0).toBe(0);
  });
});
