import { describe, expect, it } from 'vitest';
import { createCampaignBody } from '../../../shared/campaigns/campaign';
import { journey, nodeId } from '../../../shared/campaigns/journey';
import { ACCEPTANCE_JOURNEY } from './campaign-world';

/** The acceptance journey with node `welcome` renamed to `id` (and the edges into it). */
const renamed = (id: string) => ({
  nodes: ACCEPTANCE_JOURNEY.nodes.map((n) => {
    const node: Record<string, unknown> = { ...n };
    if (node.id === 'welcome') node.id = id;
    if (node.next === 'welcome') node.next = id;
    if (n.kind === 'condition') node.if = { ...n.if, node: id };
    return node;
  }),
});

/** A journey with a split whose first arm is `armId`. */
const withArm = (armId: string) => ({
  nodes: [
    { id: 'start', kind: 'trigger', next: 'split' },
    {
      id: 'split',
      kind: 'split',
      arms: [
        { id: armId, percent: 50, next: 'done' },
        { id: 'b', percent: 50, next: 'done' },
      ],
    },
    { id: 'done', kind: 'exit' },
  ],
});

const RESERVED = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

describe('journey node ids', () => {
  it('accepts ordinary ids, including ones that merely contain a reserved word', () => {
    for (const id of [
      'welcome',
      'a',
      'step-2',
      'Node_1',
      'proto',
      '__proto',
      'constructors',
      'my-prototype',
      'x'.repeat(40),
    ]) {
      expect(nodeId.safeParse(id).success, id).toBe(true);
      expect(journey.safeParse(renamed(id)).success, id).toBe(true);
      expect(journey.safeParse(withArm(id)).success, id).toBe(true);
    }
  });

  it('still refuses ids outside the plain alphabet', () => {
    for (const id of ['', 'a b', 'a.b', 'x'.repeat(41), 'ü']) expect(nodeId.safeParse(id).success, id).toBe(false);
  });

  it('refuses names that clash with object built-ins, as a node id and as a split arm id', () => {
    for (const id of RESERVED) {
      const asNode = journey.safeParse(renamed(id));
      expect(asNode.success, id).toBe(false);
      expect(asNode.error?.issues).toContainEqual(
        expect.objectContaining({ path: ['nodes', 1, 'id'], message: expect.stringMatching(/^Reserved name/) }),
      );
      const asArm = journey.safeParse(withArm(id));
      expect(asArm.success, id).toBe(false);
      expect(asArm.error?.issues).toContainEqual(
        expect.objectContaining({
          path: ['nodes', 1, 'arms', 0, 'id'],
          message: expect.stringMatching(/^Reserved name/),
        }),
      );
    }
  });

  it('names the node in the create body error (a 400 at the API)', () => {
    const out = createCampaignBody.safeParse({ name: 'n', journey: renamed('__proto__'), rules: { timeZone: 'UTC' } });
    expect(out.success).toBe(false);
    const issue = out.error?.issues.find((i) => i.path.join('.') === 'journey.nodes.1.id');
    expect(issue?.message).toContain('"__proto__"');
  });
});
