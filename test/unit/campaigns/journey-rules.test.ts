import { describe, expect, it } from 'vitest';
import { type Journey, journey as journeySchema } from '../../../shared/campaigns/journey';
import { assertValidJourney, journeyProblems } from '../../../shared/campaigns/journey-rules';
import { ValidationError } from '../../../shared/errors';
import { ACCEPTANCE_JOURNEY } from './campaign-world';

const acceptance = (): Journey => journeySchema.parse(ACCEPTANCE_JOURNEY);

const withNodes = (j: Journey, edit: (nodes: Journey['nodes']) => unknown[]): Journey =>
  journeySchema.parse({ nodes: edit(structuredClone(j.nodes)) });

describe('journey rules', () => {
  it('accepts the acceptance journey', () => {
    expect(journeyProblems(acceptance())).toEqual([]);
    expect(assertValidJourney(acceptance())).toBeTruthy();
  });

  it('wants exactly one trigger', () => {
    const two = withNodes(acceptance(), (n) => [...n, { id: 'start2', kind: 'trigger', next: 'welcome' }]);
    expect(journeyProblems(two)).toContainEqual({ message: expect.stringContaining('exactly one trigger') });
    const none = withNodes(acceptance(), (n) => n.filter((x) => x.kind !== 'trigger'));
    expect(journeyProblems(none).map((p) => p.message)).toContain(
      'A journey has exactly one trigger node; this one has 0',
    );
  });

  it('names a dangling edge and an unreachable node', () => {
    const dangling = withNodes(acceptance(), (n) => n.map((x) => (x.id === 'a' ? { ...x, next: 'nowhere' } : x)));
    expect(journeyProblems(dangling)).toContainEqual({ node: 'a', message: 'Leads to "nowhere", which is not a node' });
    const orphan = withNodes(acceptance(), (n) => [...n, { id: 'lost', kind: 'exit' }]);
    expect(journeyProblems(orphan)).toEqual([{ node: 'lost', message: 'Cannot be reached from the trigger' }]);
  });

  it('refuses a loop without a wait and allows one through a wait', () => {
    const spin = withNodes(acceptance(), (n) => n.map((x) => (x.id === 'b' ? { ...x, next: 'opened' } : x)));
    const problems = journeyProblems(spin);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toMatch(/^Loops without a wait: .*opened.*b.*opened/);
    const throughWait = withNodes(acceptance(), (n) => n.map((x) => (x.id === 'b' ? { ...x, next: 'wait' } : x)));
    expect(journeyProblems(throughWait)).toEqual([]);
  });

  it('wants split arms and the holdout to add up to 100', () => {
    const split = (arms: number[], holdoutPercent = 0) =>
      withNodes(acceptance(), (n) => [
        ...n.map((x) => (x.id === 'start' ? { ...x, next: 'ab' } : x)),
        {
          id: 'ab',
          kind: 'split',
          holdoutPercent,
          arms: arms.map((percent, i) => ({ id: `arm${i}`, percent, next: 'welcome' })),
        },
      ]);
    expect(journeyProblems(split([50, 50]))).toEqual([]);
    expect(journeyProblems(split([45, 45], 10))).toEqual([]);
    expect(journeyProblems(split([50, 40]))).toEqual([
      { node: 'ab', message: 'Arm percentages plus the holdout add up to 90, not 100' },
    ]);
  });

  it('refuses waits beyond a year at parse or check time', () => {
    expect(() =>
      withNodes(acceptance(), (n) =>
        n.map((x) => (x.id === 'wait' ? { ...x, for: { type: 'duration', duration: { days: 366 } } } : x)),
      ),
    ).toThrow();
    const long = withNodes(acceptance(), (n) =>
      n.map((x) =>
        x.id === 'wait' ? { ...x, for: { type: 'duration', duration: { days: 300, hours: 24 * 70 } } } : x,
      ),
    );
    expect(journeyProblems(long)).toEqual([{ node: 'wait', message: 'Waits longer than 365 days' }]);
  });

  it('refuses email-activity conditions about mail that some paths never send', () => {
    const skip = withNodes(acceptance(), (n) => [
      ...n.map((x) => (x.id === 'start' ? { ...x, next: 'fork' } : x)),
      { id: 'fork', kind: 'condition', if: { type: 'tag', tag: 'vip' }, yes: 'welcome', no: 'wait' },
    ]);
    expect(journeyProblems(skip)).toEqual([
      { node: 'opened', message: 'Asks about email "welcome", which some paths here never send' },
    ]);
    const notEmail = withNodes(acceptance(), (n) =>
      n.map((x) =>
        x.id === 'opened' ? { ...x, if: { type: 'email-activity', node: 'wait', activity: 'opened' } } : x,
      ),
    );
    expect(journeyProblems(notEmail)).toContainEqual({
      node: 'opened',
      message: 'Asks about email activity of "wait", which is not an email node',
    });
  });

  it('throws one 400 INVALID_JOURNEY listing every problem', () => {
    const bad = withNodes(acceptance(), (n) => [...n, { id: 'lost', kind: 'exit' }, { id: 'lost2', kind: 'exit' }]);
    try {
      assertValidJourney(bad);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).code).toBe('INVALID_JOURNEY');
      expect((error as ValidationError).message).toBe('Node "lost": Cannot be reached from the trigger');
      expect(((error as ValidationError).details as { problems: unknown[] }).problems).toHaveLength(2);
    }
  });

  it('refuses duplicate ids and edges into the trigger', () => {
    const dup = withNodes(acceptance(), (n) => [...n, { id: 'done', kind: 'exit' }]);
    expect(journeyProblems(dup)).toContainEqual({ node: 'done', message: 'Node id "done" is used twice' });
    const back = withNodes(acceptance(), (n) => n.map((x) => (x.id === 'a' ? { ...x, next: 'start' } : x)));
    expect(journeyProblems(back)).toContainEqual({ node: 'a', message: 'Leads back to the trigger "start"' });
  });
});
