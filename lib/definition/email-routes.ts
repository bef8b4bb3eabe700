/** Routes of email delivery. Workspace-scoped: the edge checks membership and permission. */
import { route } from './route';

export const emailRoutes = [
  route('emails', 'emails.send', 'POST', '/api/emails/send', 'Queue a one-off email (202 with its send id)', {
    permission: 'emails:send',
    rateTier: 'email',
  }),
] as const;
