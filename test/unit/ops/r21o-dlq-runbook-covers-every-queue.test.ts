// Review round 21: this test failed at c5f6923.
/**
 * The dead-letter runbook is what the on-call reads when a DLQ alarm fires (lib/cdk/dead-letter-alarms.ts
 * makes one per declared queue). It must name every queue whose DLQ is alarmed, with the
 * maxReceiveCount that got the message there, and name the alarm as the stack names it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { queues } from '../../../lib/definition';

const runbook = readFileSync(new URL('../../../docs/runbooks/dead-letter-queue.md', import.meta.url), 'utf8');
const alarmLine = runbook.split('\n\n')[1] ?? '';
const whyLine = runbook.split('\n\n')[2] ?? '';

describe('docs/runbooks/dead-letter-queue.md', () => {
  it('names, in its Alarm line, every queue whose DLQ has an alarm', () => {
    const missing = queues.map((q) => q.name).filter((name) => !new RegExp(`\\b${name}\\b`).test(alarmLine));
    expect(missing, `queues with a DLQ alarm the runbook's Alarm line does not list:\n${alarmLine}`).toEqual([]);
  });

  it('gives every queue its maxReceiveCount as declared', () => {
    const wrong = queues
      .filter((q) => !whyLine.replace(/\s+/g, ' ').includes(`${q.name} ${q.maxReceiveCount}`))
      .map((q) => `${q.name} ${q.maxReceiveCount}`);
    expect(wrong, 'declared "<queue> <maxReceiveCount>" the runbook does not state').toEqual([]);
  });

  it('names the alarm as the stack describes it', () => {
    // lib/cdk/dead-letter-alarms.ts: construct id `<queue>-dlq-depth`, description
    // `Messages are waiting in the <queue> dead-letter queue`; no alarm is named after a function.
    expect(alarmLine, 'the runbook names an alarm "<function> dead-letter depth" that no stack creates').toMatch(
      /Messages are waiting in the|dlq-?depth/i,
    );
  });
});
