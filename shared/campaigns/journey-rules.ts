/**
 * The rules a journey must keep before it can be saved or published, checked over the whole
 * graph: exactly one trigger, unique node ids, no edge to a missing node, every node reachable
 * from the trigger, no cycle that does not pass through a wait (it would spin without end),
 * split arms summing to 100 with the holdout and distinct arm ids, distinct subject lines,
 * waits within a year, email-activity conditions that refer to an email node that comes earlier,
 * field conditions that could tell contacts apart (a field a contact can hold, a value to compare
 * with), webhooks that point outside the policy (webhook-url.ts). Each problem names its node.
 *
 * {@link campaignProblems} adds what needs the campaign's rules too: the campaign-wide goal is
 * checked as a node's condition is (named `rules.goal`), and a journey that mails may not be
 * triggered by its own mail's interactions with re-entry `always` (it would never stop).
 */

import { RESERVED_FIELD_KEYS } from '../crm/contacts/custom-field-key';
import { fieldNumber } from '../crm/field-number';
import { ValidationError } from '../errors';
import {
  activityNodesOf,
  type Condition,
  conditionDepth,
  type LeafCondition,
  leavesOf,
  MAX_CONDITION_DEPTH,
  VALUE_OPS,
} from './conditions';
import type { CampaignRules } from './enrolment';
import { durationMs, edgesOf, type Journey, type JourneyNode, MAX_WAIT_DAYS } from './journey';
import { HOLDOUT_ARM } from './split';
import { MAIL_PRODUCED_INTERACTIONS, triggerOf } from './trigger';
import { type WebhookPolicy, webhookUrlProblem } from './webhook-url';

export interface JourneyProblem {
  /** The node at fault (absent for a problem of the whole journey or of the rules). */
  readonly node?: string;
  /** The rule at fault, for a problem of the campaign's rules (`rules.goal`). */
  readonly field?: string;
  readonly message: string;
}

/** The campaign-wide goal's place in the API body, as problems name it. */
export const GOAL_FIELD = 'rules.goal';

const MAX_WAIT_MS = MAX_WAIT_DAYS * 86_400_000;

/** What a journey may point at outside the product; the strict default refuses private webhooks. */
export interface JourneyPolicy {
  readonly webhooks: WebhookPolicy;
}
export const STRICT_JOURNEY_POLICY: JourneyPolicy = { webhooks: { allowPrivate: false } };

/** Every problem of `journey`; empty when it may be saved. */
export function journeyProblems(journey: Journey, policy: JourneyPolicy = STRICT_JOURNEY_POLICY): JourneyProblem[] {
  const problems: JourneyProblem[] = [];
  const byId = new Map<string, JourneyNode>();
  for (const node of journey.nodes) {
    if (byId.has(node.id)) problems.push({ node: node.id, message: `Node id "${node.id}" is used twice` });
    else byId.set(node.id, node);
  }

  const triggers = journey.nodes.filter((n) => n.kind === 'trigger');
  if (triggers.length !== 1) {
    problems.push({ message: `A journey has exactly one trigger node; this one has ${triggers.length}` });
  }

  for (const node of journey.nodes) {
    for (const target of edgesOf(node)) {
      if (!byId.has(target)) problems.push({ node: node.id, message: `Leads to "${target}", which is not a node` });
      else if (byId.get(target)?.kind === 'trigger') {
        problems.push({ node: node.id, message: `Leads back to the trigger "${target}"` });
      }
    }
    problems.push(...nodeProblems(node, byId, policy));
  }

  const trigger = triggers[0];
  if (trigger) {
    const reached = reachableFrom(trigger.id, byId);
    for (const node of journey.nodes) {
      if (!reached.has(node.id)) problems.push({ node: node.id, message: 'Cannot be reached from the trigger' });
    }
    const loop = cycleWithoutWait(trigger.id, byId);
    if (loop) {
      problems.push({ node: loop[0], message: `Loops without a wait: ${loop.join(' -> ')}` });
    }
    problems.push(...activityOrderProblems(trigger.id, byId));
  }
  return problems;
}

/**
 * Every problem of a campaign's journey together with its rules: the journey's own
 * ({@link journeyProblems}), the campaign-wide goal checked as a node's condition is (named
 * `rules.goal`: nesting depth, email activity of a node that is not an email node), and a trigger
 * that the journey's own mail would fire again and again ({@link selfTriggerProblems}).
 */
export function campaignProblems(
  journey: Journey,
  rules: Pick<CampaignRules, 'reentry' | 'goal'>,
  policy: JourneyPolicy = STRICT_JOURNEY_POLICY,
): JourneyProblem[] {
  const byId = new Map(journey.nodes.map((n) => [n.id, n] as const));
  const goal = rules.goal
    ? conditionProblems(undefined, rules.goal.if, byId).map(({ message }) => ({ field: GOAL_FIELD, message }))
    : [];
  return [...journeyProblems(journey, policy), ...goal, ...selfTriggerProblems(journey, rules)];
}

/**
 * A journey that mails, started by an interaction its own mail produces (a delivery, an open, a
 * click...; `MAIL_PRODUCED_INTERACTIONS`), with re-entry `always`: each run's mail would enrol the
 * contact again once the run ends, for ever (privacy proxies open, scanners click, nobody has to
 * act). Re-entry `never` or `after` some days bounds it; so does another trigger.
 */
export function selfTriggerProblems(journey: Journey, rules: Pick<CampaignRules, 'reentry'>): JourneyProblem[] {
  const on = triggerOf(journey);
  if (on.type !== 'interaction' || rules.reentry.mode !== 'always') return [];
  if (!MAIL_PRODUCED_INTERACTIONS.includes(on.interaction)) return [];
  // A notify-user action mails too: its delivery lands on the timeline of a contact with the
  // member's address, who may be enrolled in turn.
  const mails = journey.nodes
    .filter((n) => n.kind === 'email' || (n.kind === 'action' && n.action.type === 'notify-user'))
    .map((n) => `"${n.id}"`);
  const trigger = journey.nodes.find((n) => n.kind === 'trigger');
  if (mails.length === 0 || !trigger) return [];
  return [
    {
      node: trigger.id,
      message:
        `Starts on "${on.interaction}", which this journey's own mail (node ${mails.join(', ')}) produces: ` +
        'with re-entry "always" every mail would enrol the contact again, without end. ' +
        'Use re-entry "never" or "after" some days, or another trigger',
    },
  ];
}

/** Throws a 400 `INVALID_JOURNEY` naming every problem, or returns the journey. */
export function assertValidJourney(journey: Journey, policy?: JourneyPolicy): Journey {
  assertNoProblems(journeyProblems(journey, policy));
  return journey;
}

/** Throws a 400 `INVALID_JOURNEY` listing `problems` (the first in the message), if there are any. */
export function assertNoProblems(problems: readonly JourneyProblem[]): void {
  if (problems.length === 0) return;
  const first = problems[0] as JourneyProblem;
  const where = first.node ? `Node "${first.node}": ` : first.field ? `${first.field}: ` : '';
  throw new ValidationError(`${where}${first.message}`, 'INVALID_JOURNEY', { details: { problems } });
}

function nodeProblems(
  node: JourneyNode,
  byId: ReadonlyMap<string, JourneyNode>,
  policy: JourneyPolicy,
): JourneyProblem[] {
  const problems: JourneyProblem[] = [];
  const problem = (message: string) => problems.push({ node: node.id, message });
  switch (node.kind) {
    case 'wait':
      if (node.for.type === 'duration' && durationMs(node.for.duration) > MAX_WAIT_MS) {
        problem(`Waits longer than ${MAX_WAIT_DAYS} days`);
      }
      if (node.for.type === 'event' && durationMs(node.for.timeout) > MAX_WAIT_MS) {
        problem(`Its timeout is longer than ${MAX_WAIT_DAYS} days`);
      }
      if (node.for.type !== 'event' && node.timeoutNext) problem('Only a wait for an event has a timeout branch');
      break;
    case 'goal':
      if (durationMs(node.within) > MAX_WAIT_MS) problem(`Its window is longer than ${MAX_WAIT_DAYS} days`);
      problems.push(...conditionProblems(node.id, node.if, byId));
      break;
    case 'condition':
      problems.push(...conditionProblems(node.id, node.if, byId));
      break;
    case 'action': {
      const { action } = node;
      if (action.type === 'webhook') {
        const bad = webhookUrlProblem(action.url, policy.webhooks);
        if (bad) problem(`Webhook: ${bad}`);
      }
      if (action.type === 'adjust-score' && action.points === 0) problem('Adjusts the score by 0 points');
      if (action.type === 'notify-user' && action.message.trim() === '') problem('Notifies with an empty message');
      break;
    }
    case 'split': {
      const total = node.arms.reduce((sum, arm) => sum + arm.percent, 0) + node.holdoutPercent;
      if (total !== 100) problem(`Arm percentages plus the holdout add up to ${total}, not 100`);
      const armIds = new Set(node.arms.map((a) => a.id));
      if (armIds.size !== node.arms.length) problem('Two arms share an id');
      // `arm:<split>:holdout` counts the control group: an arm of that id would share its counter.
      if (armIds.has(HOLDOUT_ARM)) problem(`"${HOLDOUT_ARM}" names the split's control group; give the arm another id`);
      if (node.promote && node.arms.length < 2) problem('Promotes a winner with a single arm');
      // An arm at 0% takes no contact and is in no test (stats.ts `abNodeTest`): the rule needs two that do.
      else if (node.promote && node.arms.filter((a) => a.percent > 0).length < 2) {
        problem('Promotes a winner, but only one arm takes contacts: an arm at 0% is in no test');
      }
      break;
    }
    case 'email': {
      if (node.promote && !node.subjectVariants) problem('Promotes a winning subject line without subject variants');
      // A line's counters are keyed by its text (split.ts `subjectLineId`): a repeated line would
      // be tried against itself, its sends counted under each of its places.
      const lines = node.subjectVariants ?? [];
      const repeated = lines.filter((line, i) => lines.indexOf(line) !== i);
      if (repeated.length > 0) problem(`Two subject lines are the same: ${JSON.stringify(repeated[0])}`);
      break;
    }
    default:
      break;
  }
  return problems;
}

/** A condition's own problems, named by `node` (undefined: the caller names them). */
function conditionProblems(
  node: string | undefined,
  c: Condition,
  byId: ReadonlyMap<string, JourneyNode>,
): JourneyProblem[] {
  const problems: JourneyProblem[] = [];
  if (conditionDepth(c) > MAX_CONDITION_DEPTH) {
    problems.push({ node, message: `Conditions nest deeper than ${MAX_CONDITION_DEPTH} levels` });
  }
  for (const ref of activityNodesOf(c)) {
    if (byId.get(ref)?.kind !== 'email') {
      problems.push({ node, message: `Asks about email activity of "${ref}", which is not an email node` });
    }
  }
  for (const leaf of leavesOf(c)) {
    if (leaf.type !== 'field') continue;
    const message = fieldConditionProblem(leaf);
    if (message) problems.push({ node, message });
  }
  return problems;
}

/**
 * Why a field condition would be judged the same way for every contact, if it would: a field no
 * contact can hold (custom-field-key.ts `RESERVED_FIELD_KEYS`, refused as a set-field action's
 * field is), an operator that compares with a value given none ("equals" without a value was
 * always false, "not-equals" always true), a number comparison with something that is no number.
 */
function fieldConditionProblem(c: Extract<LeafCondition, { type: 'field' }>): string | undefined {
  if (RESERVED_FIELD_KEYS.has(c.field)) return `Asks about field "${c.field}", a reserved name no contact can hold`;
  if (!VALUE_OPS.has(c.op)) return undefined;
  if (c.value === undefined) return `Compares field "${c.field}" ("${c.op}") without a value`;
  const numeric = c.op === 'greater-than' || c.op === 'less-than';
  // What the judging compares (conditions.ts): a number, or text spelling one (field-number.ts).
  if (numeric && fieldNumber(c.value) === undefined) {
    return `Compares field "${c.field}" ("${c.op}") with ${JSON.stringify(c.value)}, which is not a number`;
  }
  return undefined;
}

function reachableFrom(start: string, byId: ReadonlyMap<string, JourneyNode>): Set<string> {
  const seen = new Set<string>([start]);
  const stack = [start];
  while (stack.length > 0) {
    const node = byId.get(stack.pop() as string);
    if (!node) continue;
    for (const next of edgesOf(node)) {
      if (!seen.has(next) && byId.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }
  return seen;
}

/**
 * The edges a contact may take at once, without being held first. Only a wait for a duration or a
 * time of day always holds (its `next` comes after the wait). A wait for an event moves on at
 * once when the event is there already (`next`), as a goal already met does: only their
 * `timeoutNext` comes after a wait. A loop of instant edges would act (mail) on every turn.
 */
function instantEdges(node: JourneyNode): string[] {
  if (node.kind === 'wait') return node.for.type === 'event' ? [node.next] : [];
  if (node.kind === 'goal') return [node.next];
  return edgesOf(node);
}

/** A cycle that passes no wait, as the path of node ids around it; undefined if none. */
function cycleWithoutWait(start: string, byId: ReadonlyMap<string, JourneyNode>): string[] | undefined {
  // Depth-first search over the instant edges only.
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    state.set(id, 'open');
    path.push(id);
    const node = byId.get(id);
    const nexts = node ? instantEdges(node).filter((n) => byId.has(n)) : [];
    for (const next of nexts) {
      if (state.get(next) === 'open') return [...path.slice(path.indexOf(next)), next];
      if (!state.has(next)) {
        const found = visit(next);
        if (found) return found;
      }
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of [start, ...byId.keys()]) {
    if (!state.has(id)) {
      const found = visit(id);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * An email-activity condition must ask about an email a contact has passed on every way to it:
 * otherwise it would ask about a mail that was never sent. Checked as "the email node dominates
 * the condition node" (every path from the trigger to it goes through the email).
 */
function activityOrderProblems(trigger: string, byId: ReadonlyMap<string, JourneyNode>): JourneyProblem[] {
  const problems: JourneyProblem[] = [];
  for (const node of byId.values()) {
    if (node.kind !== 'condition' && node.kind !== 'goal') continue;
    for (const ref of activityNodesOf(node.if)) {
      if (byId.get(ref)?.kind !== 'email') continue;
      // Without `ref`, can the condition still be reached? Then some path skips the email.
      const withoutRef = new Map(byId);
      withoutRef.delete(ref);
      if (ref !== node.id && reachableFrom(trigger, withoutRef).has(node.id)) {
        problems.push({ node: node.id, message: `Asks about email "${ref}", which some paths here never send` });
      }
    }
  }
  return problems;
}
