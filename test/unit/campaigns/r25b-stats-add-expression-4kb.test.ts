/**
 * Finding (review round 25, reviewer b): the saves of one SQS batch that belong to one campaign
 * have their counters summed into ONE ADD (dynamo-enrolments.ts `addMoved`, `counterUpdate`:
 * `ADD #c0 :c0, #c1 :c1, ...`, one clause per distinct counter name). DynamoDB refuses an
 * expression string over 4 KB (ValidationException). A step makes up to 50 moves, each adding
 * `node:<id>:entered` and, at a split, `arm:<split>:<arm>`: ten contacts of one batch running
 * through a chain of 50 splits (a journey any user may save: 200 nodes, 10 arms a split) take
 * different arms, and the union of their names makes an UpdateExpression of ~5-7 KB. The ADD is
 * refused: all ten moves landed but lose their counters (stats wrong), and every save of the
 * group throws after its move (the step fails after it moved). Severity: MEDIUM. Fails at 679faf6.
 * Reached by: publishing a journey with a long chain of splits and enrolling contacts (a launch
 * queues them in batches of 10).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoEnrolmentStates } from '../../../shared/adapters/dynamo-enrolments';
import type { EnrolmentState } from '../../../shared/campaigns/enrolment';
import { journey as journeySchema } from '../../../shared/campaigns/journey';
import { journeyProblems } from '../../../shared/campaigns/journey-rules';
import { armFor } from '../../../shared/campaigns/split';

const WS = 'ws-r25b';
const CMP = 'cmp-r25b';
const SPLITS = 50;
const ARMS = 10;
/** DynamoDB's limit on any expression string (UpdateExpression, ConditionExpression...). */
const MAX_EXPRESSION_BYTES = 4096;

const splitId = (i: number) => `s${i}`;
const journeyInput = {
  nodes: [
    { id: 'start', kind: 'trigger', next: splitId(0) },
    ...Array.from({ length: SPLITS }, (_, i) => ({
      id: splitId(i),
      kind: 'split',
      arms: Array.from({ length: ARMS }, (_, a) => ({
        id: `a${a}`,
        percent: 100 / ARMS,
        next: i + 1 < SPLITS ? splitId(i + 1) : 'done',
      })),
      holdoutPercent: 0,
    })),
    { id: 'done', kind: 'exit' },
  ],
};

/** The counters one contact's first step adds (run-step.ts: `entered`, `node:<next>:entered` per move, `arm:` per split). */
function firstStepCounters(contactId: string): Record<string, number> {
  const j = journeySchema.parse(journeyInput);
  const names = ['entered', 'node:start:entered'];
  for (const node of j.nodes) {
    if (node.kind !== 'split') continue;
    names.push(`node:${node.id}:entered`);
    const arm = armFor(node, CMP, contactId);
    if (arm) names.push(`arm:${node.id}:${arm.id}`);
  }
  names.push('completed');
  return Object.fromEntries(names.map((n) => [n, 1]));
}

describe('the counters of one batch of moves of a campaign', () => {
  it('are written in updates DynamoDB takes (every expression within 4 KB)', async () => {
    expect(journeyProblems(journeySchema.parse(journeyInput))).toEqual([]);
    const updates: string[] = [];
    const db = {
      send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
        const expression = command.input.UpdateExpression;
        if (typeof expression === 'string') {
          updates.push(expression);
          if (Buffer.byteLength(expression) > MAX_EXPRESSION_BYTES) {
            throw Object.assign(
              new Error('Invalid UpdateExpression: Expression size has exceeded the maximum allowed size'),
              {
                name: 'ValidationException',
                $metadata: { httpStatusCode: 400 },
              },
            );
          }
        }
        return {};
      },
    } as unknown as DynamoDBDocumentClient;
    const store = dynamoEnrolmentStates(db, 'core');
    // Ten contacts of one SQS batch, their first steps saved at once (the worker runs a batch's messages together).
    const contacts = Array.from({ length: 10 }, (_, i) => `contact-${i}`);
    const results = await Promise.allSettled(
      contacts.map((contactId) =>
        store.save(
          {
            workspaceId: WS,
            campaignId: CMP,
            contactId,
            run: 1,
            version: 1,
            node: 'done',
            step: 1,
            status: 'completed',
            enteredAt: '2026-12-04T08:00:00.000Z',
            emails: {},
            arms: {},
          } as unknown as EnrolmentState,
          undefined,
          firstStepCounters(contactId),
        ),
      ),
    );
    expect(updates.length).toBeGreaterThan(0);
    expect(updates.map((u) => Buffer.byteLength(u)).filter((bytes) => bytes > MAX_EXPRESSION_BYTES)).toEqual([]);
    expect(results.filter((r) => r.status === 'rejected').length).toBe(0);
  });
});
