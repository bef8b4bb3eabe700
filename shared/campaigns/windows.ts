/**
 * Conditions judged within a window: a goal node (`within`), a wait for an event (`timeout`) and
 * the campaign goal (`withinDays`). They are judged as at the window's deadline, not as at the
 * moment the step happens to run: a step that runs after the deadline (a paused campaign resumed,
 * a late timer, the sweep) must not count what the contact did after the window closed.
 *
 * Up to the deadline the contact as it is now answers. Past it, only what carries a time can be
 * placed before or after the deadline: interactions, and the email activity they make, count when
 * they happened at or before it (an `interaction` condition counts its days back from the
 * deadline). Tags, fields and the score carry no time: a change to them cannot be told from one
 * made after the deadline, so a condition resting on them is not met then (the window timed out).
 */
import { type Condition, type ConditionSubject, emailActivityOf, holds, type SubjectInteraction } from './conditions';

export type WindowVerdict =
  /** The condition held within the window. */
  | 'met'
  /** Not yet: the window is still open. */
  | 'open'
  /** The window closed without the condition holding in it. */
  | 'timed-out';

/**
 * Judges `condition` for a window ending at `deadlineMs`. `subject.now` is the moment of the step;
 * `emails` the enrolment's sends by email node (`EnrolmentState.emails`), which date its opens
 * and clicks. `lateness`: how late after the deadline a step may run and still read tags, fields
 * and the score as they are: a node's own last poll, set for its deadline (TIMER_LATENESS_MS);
 * 0 for the campaign goal, judged at whatever step comes, which no timer sets for its deadline.
 */
export function judgeWindow(
  condition: Condition,
  subject: ConditionSubject,
  deadlineMs: number,
  emails: Readonly<Record<string, string>>,
  lateness = 0,
): WindowVerdict {
  const now = subject.now.getTime();
  if (now <= deadlineMs) {
    if (holds(condition, subject)) return 'met';
    return now < deadlineMs ? 'open' : 'timed-out';
  }
  // A timer always fires a little late (the last poll is set for the deadline itself): a step
  // that late still reads tags, fields and the score as they are, while interactions and email
  // activity count up to the deadline only.
  const untimed = lateness > 0 && now <= deadlineMs + lateness ? subject : undefined;
  return heldAtDeadline(condition, subjectAt(subject, deadlineMs, emails), untimed) === true ? 'met' : 'timed-out';
}

/**
 * How late (campaign time) a step after a deadline may run and still be taken as the deadline's
 * own: SQS delays and Scheduler fire seconds late, the sweep re-sends a lost timer within ~7
 * minutes (2 min grace, every 5 min). Later than this (a pause, an outage), only what carries a
 * time is judged.
 */
export const TIMER_LATENESS_MS = 15 * 60_000;

/**
 * Whether an interaction of `type` happened in [sinceMs, deadlineMs]: the window of an event wait.
 * `interactions` are a subject's (ConditionSubject), which hold only those that answer conditions
 * (bots and privacy proxies left out where the step builds it: conditions.ts `answersConditions`).
 */
export function occurredWithin(
  interactions: readonly SubjectInteraction[],
  type: SubjectInteraction['type'],
  sinceMs: number,
  deadlineMs: number,
): boolean {
  return interactions.some((i) => {
    const at = Date.parse(i.occurredAt);
    return i.type === type && at >= sinceMs && at <= deadlineMs;
  });
}

/** The subject as it stood at the deadline, as far as its times tell. */
function subjectAt(
  subject: ConditionSubject,
  deadlineMs: number,
  emails: Readonly<Record<string, string>>,
): ConditionSubject {
  const interactions = subject.interactions.filter((i) => Date.parse(i.occurredAt) <= deadlineMs);
  return { ...subject, interactions, emailActivity: emailActivityOf(emails, interactions), now: new Date(deadlineMs) };
}

/**
 * Whether `c` held at the deadline: true, false, or undefined when it cannot be told (it rests on
 * a tag, a field or the score, which carry no time). `all`, `any` and `not` combine the three
 * values (Kleene): `any` of an unknown and a true is true, `not` of an unknown is unknown.
 */
function heldAtDeadline(
  c: Condition,
  subject: ConditionSubject,
  /** The contact as it is now, to judge tags, fields and the score by (a timer just late), if known. */
  untimed?: ConditionSubject,
): boolean | undefined {
  switch (c.type) {
    case 'all':
    case 'any': {
      const decisive = c.type === 'any';
      let unknown = false;
      for (const part of c.of) {
        const v = heldAtDeadline(part, subject, untimed);
        if (v === decisive) return decisive;
        if (v === undefined) unknown = true;
      }
      return unknown ? undefined : !decisive;
    }
    case 'not': {
      const v = heldAtDeadline(c.of, subject, untimed);
      return v === undefined ? undefined : !v;
    }
    case 'interaction':
    case 'email-activity':
      return holds(c, subject);
    case 'field':
    case 'tag':
    case 'score':
      return untimed ? holds(c, untimed) : undefined;
  }
}
