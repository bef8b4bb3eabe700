/**
 * The invitation email. Its subject carries the workspace name, a user-chosen value. The name
 * schema (singleLineText) refuses line breaks on the way in; a name stored before that rule is
 * flattened to one line here (an invite must not fail on old data), and the subject is then
 * checked as a header value all the same.
 */
import type { Email } from '../identity/accounts/emails';
import { mailedLink } from '../identity/mailed-links';
import { assertHeaderValue, flattenToSingleLine } from '../security/single-line-text';

export interface InviteEmailInput {
  /** The configured PUBLIC_BASE_URL, never a request's Host. */
  readonly publicBaseUrl: string;
  readonly token: string;
  readonly workspaceName: string | undefined;
  readonly inviterEmail: string;
  readonly role: string;
  readonly validDays: number;
}

/** Subject and text of an invitation, the subject always one line. */
export function inviteEmail(input: InviteEmailInput): Omit<Email, 'html'> {
  const link = mailedLink(input.publicBaseUrl, 'invites/accept', input.token);
  const workspace = input.workspaceName === undefined ? undefined : flattenToSingleLine(input.workspaceName);
  const subject = assertHeaderValue(`You are invited to ${workspace || 'a workspace'} on Unite-Hub`, 'subject');
  return {
    subject,
    text: `${input.inviterEmail} invited you to join ${workspace || 'their workspace'} as ${input.role}.\n\nAccept within ${input.validDays} days: ${link}\n\nIf you did not expect this, ignore this email.`,
  };
}
