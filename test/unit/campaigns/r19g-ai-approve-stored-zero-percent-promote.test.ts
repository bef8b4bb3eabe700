/**
 * Review round 19 re-review (r19g).
 * Defect: the new journey rule "a promote rule needs two arms above 0%" (journey-rules.ts, commit
 * 927ec7b) is applied to drafts saved before it, by a request that does not touch the split:
 * approving AI copy for an email node (`approveAiDraft`, ai-copy.ts) re-checks the whole draft with
 * `assertValidJourney` and answers 400 INVALID_JOURNEY naming the split. Worse, that check runs
 * AFTER the approval has written its template (createTemplate / updateTemplate): the 400 leaves a
 * new "AI copy: ..." template behind (or a new version of the node's own template), which no
 * campaign names, while the product rule says bad input "changes nothing".
 * Before 927ec7b every stored draft passed the check (each save checks it), so the late check
 * never fired; now every campaign whose draft has a split with `promote` and an arm at 0% (a
 * draft that was valid, e.g. an arm switched off while its promote rule stayed) hits it.
 * Severity: MEDIUM (an existing draft's AI copy cannot be approved for a reason unrelated to the
 * node; each attempt leaks a template into the workspace's template list).
 * Root cause: shared/campaigns/ai-copy.ts:approveAiDraft (`assertValidJourney(journey, ...)` over
 * the whole draft, after `createTemplate`/`updateTemplate`), with the new rule in
 * shared/campaigns/journey-rules.ts:nodeProblems (split `promote` with < 2 arms above 0%).
 * Correct: an approval judges what it changes (the email node), or checks the journey before any
 * template write; a refused approval writes no template.
 */
import { describe, expect, it } from 'vitest';
import { approveAiDraft, generateAiDraft } from '../../../shared/campaigns/ai-copy';
import { personalisedJson } from '../ai/fakes';
import { aiCopyWorld, caller, WS, ZERO_PERCENT_PROMOTE_JOURNEY } from './ai-copy-fixture';

/** Stored as the API saved it before the new rule (every save then passed the journey check). */
const world = () => aiCopyWorld({ steps: [personalisedJson()], journey: ZERO_PERCENT_PROMOTE_JOURNEY, stored: true });

describe('r19g: approving AI copy on a draft saved before the 0%-arm promote rule', () => {
  it('is not refused for a split the approval does not touch', async () => {
    const { deps } = await world();
    const draft = await generateAiDraft(caller, 'cmp1', 'mail', deps);
    const approved = approveAiDraft(caller, 'cmp1', 'mail', draft.draftId, { subject: 'Spring is here' }, deps);
    await expect(approved).resolves.toMatchObject({ approval: { draftId: draft.draftId } });
  });

  it('writes no template when it is refused', async () => {
    const { deps, templates, campaigns } = await world();
    const draft = await generateAiDraft(caller, 'cmp1', 'mail', deps);
    const before = [...templates.records.keys()];
    const outcome = await approveAiDraft(
      caller,
      'cmp1',
      'mail',
      draft.draftId,
      { subject: 'Spring is here' },
      deps,
    ).then(
      () => 'approved',
      (e: { status?: number; code?: string }) => `${e.status} ${e.code}`,
    );
    if (outcome === 'approved') return; // approved: nothing to check here (the first test's case)
    expect(outcome).toBe('400 INVALID_JOURNEY');
    expect((await campaigns.get(WS, 'cmp1'))?.revision).toBe(1); // the campaign is unchanged...
    expect([...templates.records.keys()]).toEqual(before); // ...and so must the templates be
  });
});
