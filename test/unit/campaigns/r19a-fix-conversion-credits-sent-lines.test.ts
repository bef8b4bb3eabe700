// Review round 19: this test failed at d10baec.
// A conversion was credited (`armconv:<node>:<line>`) to a subject line recorded before its email
// node acted, although the node held (cap lock busy, send window) and never mailed it; one rule
// (enrolment.ts `creditedArms`) now decides the arms every conversion path counts.
import { describe, expect, it } from 'vitest';
import { creditedArms, type EnrolmentState } from '../../../shared/campaigns/enrolment';
import { journey as journeySchema } from '../../../shared/campaigns/journey';
import { enrolContact, runStep } from '../../../shared/campaigns/run-step';
import { armFor, subjectLineId } from '../../../shared/campaigns/split';
import { CAMPAIGN, campaignWorld, DAY, WS } from './campaign-world';

const LINES = ['Hello there', 'A better offer'];
const enrol = (contactId: string) => ({ workspaceId: WS, campaignId: CAMPAIGN, contactId, launchId: 'l1' });
const GOAL = { if: { type: 'tag', tag: 'customer', has: true }, withinDays: 30 } as const;

const SPLIT_THEN_MAIL = {
  nodes: [
    { id: 'start', kind: 'trigger', next: 'ab' },
    {
      id: 'ab',
      kind: 'split',
      holdoutPercent: 0,
      arms: [
        { id: 'a', percent: 50, next: 'mail' },
        { id: 'b', percent: 50, next: 'mail' },
      ],
    },
    { id: 'mail', kind: 'email', templateId: 't1', subjectVariants: LINES, next: 'pause' },
    { id: 'pause', kind: 'wait', for: { type: 'duration', duration: { days: 3 } }, next: 'done' },
    { id: 'done', kind: 'exit' },
  ],
};

const lineConversions = (counters: Map<string, number>) =>
  LINES.reduce((sum, l) => sum + (counters.get(`armconv:mail:${subjectLineId(l)}`) ?? 0), 0);

describe('r19a-fix: a conversion counts for the lines the run was mailed and the arms it entered', () => {
  it('the rule: a split arm counts; an email node line counts only once its mail went', () => {
    const journey = journeySchema.parse(SPLIT_THEN_MAIL);
    const line = subjectLineId(LINES[0] as string);
    const held: Pick<EnrolmentState, 'arms' | 'emails'> = { arms: { ab: 'b', mail: line }, emails: {} };
    expect(creditedArms(held, journey)).toEqual([['ab', 'b']]);
    const mailed = { arms: { ab: 'b', mail: line }, emails: { mail: 'send-1' } };
    expect(creditedArms(mailed, journey)).toEqual([
      ['ab', 'b'],
      ['mail', line],
    ]);
    // A line recorded by index (before lines had ids) follows the same rule.
    expect(creditedArms({ arms: { mail: '1' }, emails: {} }, journey)).toEqual([]);
    expect(creditedArms({ arms: { mail: '1' }, emails: { mail: 's' } }, journey)).toEqual([['mail', '1']]);
  });

  it('held by a busy cap lock and converted by a wake: the split arm counts, no line does', async () => {
    const w = campaignWorld(SPLIT_THEN_MAIL, { frequencyCap: { max: 3, per: 'day' }, goal: GOAL });
    w.addContact('c1');
    // Another step of the same contact holds its cap lock: the mail waits a minute.
    const release = await w.deps.mailer.capLock(WS, 'c1');
    expect((await enrolContact(enrol('c1'), w.deps)).status).toBe('waiting');
    expect(w.enrolments.get(`${CAMPAIGN}#c1`)?.arms.mail).toBeDefined();
    await release?.();
    const c = w.contacts.get('c1');
    if (!c) throw new Error('no contact');
    w.contacts.set('c1', { ...c, tags: ['customer'] });
    // An event wakes the step (as wake-on-event.ts does) before the minute is over.
    const state = w.enrolments.get(`${CAMPAIGN}#c1`) as EnrolmentState;
    const { run, step } = state;
    const woken = await runStep(
      { kind: 'step', workspaceId: WS, campaignId: CAMPAIGN, contactId: 'c1', run, step },
      w.deps,
    );
    expect(woken).toEqual({ status: 'ended', reason: 'converted' });
    expect(w.sends.size).toBe(0);
    const arm = armFor(w.published.journey.nodes[1] as never, CAMPAIGN, 'c1') as { id: string };
    expect(w.counters.get('converted')).toBe(1);
    expect(w.counters.get(`armconv:ab:${arm.id}`)).toBe(1);
    expect(lineConversions(w.counters)).toBe(0);
  });

  it('a line whose mail went still counts a conversion met later', async () => {
    const w = campaignWorld(SPLIT_THEN_MAIL, { goal: GOAL });
    w.addContact('c1');
    expect((await enrolContact(enrol('c1'), w.deps)).status).toBe('waiting');
    const sent = [...w.sends.values()][0];
    expect(sent?.subject).toBeDefined();
    const c = w.contacts.get('c1');
    if (!c) throw new Error('no contact');
    w.contacts.set('c1', { ...c, tags: ['customer'] });
    await w.advanceTo(w.now() + 4 * DAY);
    expect(w.enrolments.get(`${CAMPAIGN}#c1`)?.exitReason).toBe('converted');
    expect(w.counters.get(`armconv:mail:${subjectLineId(sent?.subject as string)}`)).toBe(1);
    expect(lineConversions(w.counters)).toBe(1);
  });

  it('an ended run judged for its goal credits no line it was never mailed', async () => {
    const w = campaignWorld(SPLIT_THEN_MAIL, { goal: GOAL });
    w.addContact('c1', { tags: ['customer'] });
    const now = new Date(w.now()).toISOString();
    // A run that ended eligible for the goal with a line recorded and no mail for it: no path of
    // today's engine leaves one, but every judgement must read the same rule.
    const ended: EnrolmentState = {
      workspaceId: WS,
      campaignId: CAMPAIGN,
      contactId: 'c1',
      run: 1,
      version: 1,
      node: 'done',
      step: 4,
      status: 'completed',
      exitReason: 'completed',
      enteredAt: now,
      endedAt: now,
      goalUntil: new Date(w.now() + 10 * DAY).toISOString(),
      emails: {},
      arms: { ab: 'a', mail: subjectLineId(LINES[1] as string) },
    };
    w.enrolments.set(`${CAMPAIGN}#c1`, ended);
    const judged = await runStep(
      { kind: 'step', workspaceId: WS, campaignId: CAMPAIGN, contactId: 'c1', run: 1, step: 4, wake: true },
      w.deps,
    );
    expect(judged).toEqual({ status: 'ended', reason: 'converted' });
    expect(w.counters.get('converted')).toBe(1);
    expect(w.counters.get('armconv:ab:a')).toBe(1);
    expect(lineConversions(w.counters)).toBe(0);
  });
});
