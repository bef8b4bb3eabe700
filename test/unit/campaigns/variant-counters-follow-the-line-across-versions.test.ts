/**
 * Fixed (review 8): subject-variant counters were keyed by position (`variant:<node>:<n>`,
 * `armopen:`/`armconv:<node>:<n>`) and summed across published versions, while the stats and the
 * automatic promotion named the latest version's line at that position: after a republish that
 * reordered or replaced lines, a new line showed an old line's sends and opens, and auto-promotion
 * could promote a line never sent on another line's results.
 * Now every counter of a line is keyed by its line id (split.ts `subjectLineId`, a hash of its
 * text): sends (execute-node.ts), the enrolment's recorded arm (so conversions, `armconv:`), and
 * opens and clicks (the tracking token's `ab.line`, tracked-counts.ts). Stats list the running
 * version's lines with their own numbers; counters from before lines had ids show under the index
 * they had (`earlier`), in no test.
 */
import { describe, expect, it } from 'vitest';
import { journey as journeySchema } from '../../../shared/campaigns/journey';
import { duePromotions } from '../../../shared/campaigns/promotion';
import { subjectLineId } from '../../../shared/campaigns/split';
import { campaignStats } from '../../../shared/campaigns/stats';

const versionTwo = journeySchema.parse({
  nodes: [
    { id: 'start', kind: 'trigger', next: 'mail' },
    {
      id: 'mail',
      kind: 'email',
      templateId: 't1',
      // v1 had ['Old winner', 'Old loser']; v2 replaced the loser and put the new line first.
      subjectVariants: ['Brand new line', 'Old winner'],
      promote: { metric: 'opened' },
      next: 'end',
    },
    { id: 'end', kind: 'exit' },
  ],
});
const at = new Date('2026-12-07T10:00:00Z');
const WINNER = subjectLineId('Old winner');
const LOSER = subjectLineId('Old loser');
const NEW = subjectLineId('Brand new line');

describe('subject-variant counters across versions', () => {
  it('never promotes a line on the results another line earned under an earlier version (index-keyed counters)', () => {
    // Counted before lines had ids, by v1: index 0 = "Old winner" (60% opens), 1 = "Old loser".
    const counters = {
      'variant:mail:0': 200,
      'armopen:mail:0': 120,
      'variant:mail:1': 200,
      'armopen:mail:1': 20,
    };
    const due = duePromotions(versionTwo, counters, {}, at);
    // "Brand new line" has never been sent to anyone: it cannot be the winner.
    expect(due.mail?.subject).not.toBe('Brand new line');
    // The stats show those counters under the index they had, in no line's numbers.
    const stats = campaignStats(counters, versionTwo).variants.mail;
    expect(stats?.variants['0']).toMatchObject({ subject: 'Brand new line', sent: 0, opened: 0 });
    expect(stats?.earlier).toEqual({
      '0': { sent: 200, opened: 120, clicked: 0, converted: 0 },
      '1': { sent: 200, opened: 20, clicked: 0, converted: 0 },
    });
  });

  it('shows each line of the running version with its own numbers, whatever its position in v1', () => {
    const counters = {
      [`variant:mail:${WINNER}`]: 200,
      [`armopen:mail:${WINNER}`]: 120,
      [`variant:mail:${LOSER}`]: 200,
      [`armopen:mail:${LOSER}`]: 20,
      [`variant:mail:${NEW}`]: 30,
      [`armopen:mail:${NEW}`]: 3,
    };
    const stats = campaignStats(counters, versionTwo).variants.mail;
    expect(stats?.variants).toEqual({
      '0': { subject: 'Brand new line', line: NEW, sent: 30, opened: 3, clicked: 0, converted: 0 },
      '1': { subject: 'Old winner', line: WINNER, sent: 200, opened: 120, clicked: 0, converted: 0 },
    });
    // "Old loser" is not in the running version: not in its test. The new line has too few sends.
    expect(stats?.test.verdict.status).toBe('too-few');
    expect(duePromotions(versionTwo, counters, {}, at)).toEqual({});
  });

  it('promotes the line that won, named by its text, at its index in the running version', () => {
    const counters = {
      [`variant:mail:${WINNER}`]: 400,
      [`armopen:mail:${WINNER}`]: 240,
      [`variant:mail:${NEW}`]: 400,
      [`armopen:mail:${NEW}`]: 40,
    };
    expect(duePromotions(versionTwo, counters, {}, at).mail).toMatchObject({
      variant: 1,
      subject: 'Old winner',
      by: 'auto',
    });
  });
});
