// Review round 22: this test failed at 58080d4.
/**
 * Review round 22 (r22b). Defect: an email node's `subjectVariants` may repeat a line
 * (`["Spring sale", "Spring sale"]`): neither the schema (journey.ts) nor the journey rules refuse
 * it, as they refuse two split arms sharing an id. Lines are counted by their text
 * (`variant:<node>:<line id>`, split.ts `subjectLineId`), so both "variants" read the same
 * counters: the stats show every send (and open, click, conversion) of the line under each of its
 * indexes, the variants' `sent` add up to twice the node's `sent`, and the stated test compares the
 * line against itself ("Not enough data ... smallest arm has N" with N every send of both).
 *
 * Either is a fix: refuse the repeated line on save (400 INVALID_JOURNEY naming the node), or count
 * the stats exactly (the variants' sends add up to the node's).
 */
import { describe, expect, it } from 'vitest';
import { journey as journeySchema } from '../../shared/campaigns/journey';
import { campaignProblems } from '../../shared/campaigns/journey-rules';
import { enrolContact } from '../../shared/campaigns/run-step';
import { campaignStats } from '../../shared/campaigns/stats';
import { CAMPAIGN, campaignWorld, WS } from './campaigns/campaign-world';

const JOURNEY = {
  nodes: [
    { id: 'start', kind: 'trigger', next: 'mail' },
    { id: 'mail', kind: 'email', templateId: 't1', subjectVariants: ['Spring sale', 'Spring sale'], next: 'end' },
    { id: 'end', kind: 'exit' },
  ],
};

describe('r22b: an email node repeating a subject line', () => {
  it('is refused on save, or its variants are counted exactly', async () => {
    const parsed = journeySchema.safeParse(JOURNEY);
    if (!parsed.success) return; // refused by the schema: a fix
    if (campaignProblems(parsed.data, { reentry: { mode: 'never' } }).some((p) => p.node === 'mail')) return; // refused on save

    // Accepted: then the stats must describe what was sent.
    const w = campaignWorld(JOURNEY);
    for (let i = 0; i < 20; i += 1) {
      w.addContact(`c${i}`);
      await enrolContact({ workspaceId: WS, campaignId: CAMPAIGN, contactId: `c${i}`, launchId: 'l1' }, w.deps);
    }
    expect(w.sends.size).toBe(20);
    const stats = campaignStats(Object.fromEntries(w.counters), w.published.journey);
    expect(stats.nodes.mail?.sent).toBe(20);
    const variants = stats.variants.mail?.variants ?? {};
    const sentByVariant = Object.values(variants).reduce((sum, v) => sum + v.sent, 0);
    expect(sentByVariant, 'the variants show more sends than the node made').toBe(20);
  });
});
