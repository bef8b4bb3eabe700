/**
 * The `notify-user` action: a transactional mail to a member of the workspace saying which
 * contact, in which campaign, reached the node, with the node's message. It goes through the
 * email pipeline with the step's key as its ledger key, so a replayed step queues the same send
 * and the sender mails it once. A user who is not a member is refused when the journey is saved
 * and again when it is published ({@link assertNotifiedMembers}), and fails the enrolment if they
 * left after the publish.
 */
import type { Contact } from '../crm/model';
import { type EmailSendQueue, sendMessageOf } from '../email/send-request';
import { ValidationError } from '../errors';
import type { Membership, User } from '../identity/model';
import { campaignSendId } from './campaign-mailer';
import type { Journey, JourneyAction } from './journey';
import type { JourneyProblem } from './journey-rules';
import { ActionFailedError, type ActionTarget } from './ports';

export interface NotifyDeps {
  readonly members: { find(workspaceId: string, userId: string): Promise<Membership | undefined> };
  readonly users: { findUser(userId: string): Promise<User | undefined> };
  readonly queue: EmailSendQueue;
  readonly from: string;
  readonly campaignName: (workspaceId: string, campaignId: string) => Promise<string | undefined>;
  readonly workspaceName: (workspaceId: string) => Promise<string | undefined>;
}

/**
 * The mail's parts are fixed templates over merge fields: the message and the contact's fields
 * are data, never template source, so nothing in them is rendered as Liquid or as HTML.
 */
const CONTENT = {
  subject: '{{ contact.campaignName }}: {{ contact.email }}',
  html:
    '<p>{{ contact.message }}</p>' +
    '<p>Contact: {{ contact.name }} &lt;{{ contact.email }}&gt;<br>' +
    'Campaign: {{ contact.campaignName }} (node {{ contact.nodeId }})</p>',
  text:
    '{{ contact.message }}\n\nContact: {{ contact.name }} <{{ contact.email }}>\n' +
    'Campaign: {{ contact.campaignName }} (node {{ contact.nodeId }})\n',
};

/** Queues the notification of `target` about `contact`. @throws ActionFailedError when the user is not a member. */
export async function notifyMember(
  action: Extract<JourneyAction, { type: 'notify-user' }>,
  target: ActionTarget,
  contact: Contact,
  deps: NotifyDeps,
): Promise<void> {
  const { workspaceId, campaignId } = target;
  const membership = await deps.members.find(workspaceId, action.userId);
  const user = membership ? await deps.users.findUser(action.userId) : undefined;
  if (!user) throw new ActionFailedError(`User "${action.userId}" is not a member of this workspace`);
  const campaignName = (await deps.campaignName(workspaceId, campaignId)) ?? `Campaign ${campaignId}`;
  const name = [contact.firstName, contact.lastName].filter(Boolean).join(' ') || contact.email;
  const sendId = campaignSendId(target.idempotencyKey);
  await deps.queue.send(
    sendMessageOf(
      workspaceId,
      { sendId, idempotencyKey: target.idempotencyKey, tags: { purpose: 'campaign-notify' } },
      {
        to: user.email,
        category: 'transactional',
        ...CONTENT,
        contact: {
          email: contact.email,
          name,
          contactId: contact.contactId,
          message: action.message,
          campaignName,
          campaignId,
          nodeId: target.nodeId,
        },
        workspace: { name: (await deps.workspaceName(workspaceId)) ?? '' },
      },
      { from: deps.from },
    ),
  );
}

/**
 * Refuses (400 `INVALID_JOURNEY`, naming the node) a journey that notifies someone who is not a
 * member of the workspace: one read per notify node.
 */
export async function assertNotifiedMembers(
  workspaceId: string,
  journey: Journey | undefined,
  members: NotifyDeps['members'],
): Promise<void> {
  const problems: JourneyProblem[] = [];
  for (const node of journey?.nodes ?? []) {
    if (node.kind !== 'action' || node.action.type !== 'notify-user') continue;
    if (!(await members.find(workspaceId, node.action.userId))) {
      problems.push({
        node: node.id,
        message: `Notifies "${node.action.userId}", who is not a member of this workspace`,
      });
    }
  }
  const first = problems[0];
  if (first) {
    throw new ValidationError(`Node "${first.node}": ${first.message}`, 'INVALID_JOURNEY', { details: { problems } });
  }
}
