/** A contact-intelligence result as score ledger input: the signals, the composite, and the model named. */
import { describe, expect, it } from 'vitest';
import type { ContactIntelligence } from '../../../shared/ai/agents/contact-intelligence';
import { AI_SCORE_RULE_ID, aiScoreChange, aiSignalsFrom } from '../../../shared/ai/agents/contact-intelligence-score';
import { aiComposite } from '../../../shared/crm/scoring/composite';
import { DEFAULT_SCORING_RULES } from '../../../shared/crm/scoring/rules';
import { emptyScoreState } from '../../../shared/crm/scoring/score-state';

const result: ContactIntelligence = {
  buyingSignals: [
    { signal: 'Visited pricing three times', evidence: '2026-06-01 page_visit /pricing', strength: 'strong' },
  ],
  aiIntent: 60,
  engagementVelocity: 1,
  roleType: 'decision_maker',
  buyingIntent: 'high',
  decisionStage: 'consideration',
  summary: 'A CTO comparing plans.',
};
const now = new Date('2026-06-02T00:00:00.000Z');
const source = { callId: 'call-1', provider: 'anthropic' as const, model: 'claude-test' };

describe('aiScoreChange', () => {
  it('maps the result onto the composite’s AI inputs (an unknown role left out)', () => {
    expect(aiSignalsFrom(result)).toEqual({
      aiScore: 60,
      engagementVelocity: 1,
      roleType: 'decision_maker',
      buyingIntent: 'high',
      decisionStage: 'consideration',
    });
    expect(aiSignalsFrom({ ...result, roleType: 'unknown' })).not.toHaveProperty('roleType');
  });

  it('recomputes the score with the AI composite and records one entry naming the model', () => {
    const previous = { ...emptyScoreState(now, DEFAULT_SCORING_RULES), version: 3, score: 12, tier: 'cold' as const };
    const change = aiScoreChange(previous, undefined, result, DEFAULT_SCORING_RULES, source, now);
    // 60 + 5*1 + 15 (decision maker) + 20 (high) + 15 (consideration) = 115, capped at 100.
    expect(change.state).toMatchObject({ version: 4, model: 'ai', score: 100, tier: 'hot' });
    expect(aiComposite(change.aiSignals)).toBe(100);
    expect(change.entries).toEqual([
      expect.objectContaining({
        ledgerId: 'call-1.ai',
        ruleId: AI_SCORE_RULE_ID,
        group: 'ai',
        before: 0,
        after: 60,
        points: 60,
        scoreBefore: 12,
        scoreAfter: 100,
        provider: 'anthropic',
        model: 'claude-test',
        callId: 'call-1',
      }),
    ]);
    expect(change.entries[0]?.rule).toContain('claude-test');
  });

  it('moves from the previous AI figure when the contact had signals', () => {
    const previous = { ...emptyScoreState(now, DEFAULT_SCORING_RULES), version: 1, score: 70, model: 'ai' as const };
    const change = aiScoreChange(
      previous,
      { aiScore: 80, engagementVelocity: 0 },
      { ...result, aiIntent: 30 },
      DEFAULT_SCORING_RULES,
      source,
      now,
    );
    expect(change.entries[0]).toMatchObject({ before: 80, after: 30, points: -50, scoreBefore: 70 });
  });
});
