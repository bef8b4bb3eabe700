/**
 * Routes of email delivery. `/api/...` is workspace-scoped: the edge checks membership and
 * permission. `/u/{token}` is public (the sealed token names the workspace and address): no
 * CSRF, since RFC 8058 one-click POSTs come from mail providers without cookies.
 */
import { route } from './route';

const link = { auth: 'public', csrf: false, rateTier: 'public' } as const;

export const emailRoutes = [
  route('emails', 'emails.send', 'POST', '/api/emails/send', 'Queue a one-off email (202 with its send id)', {
    permission: 'emails:send',
    rateTier: 'email',
  }),
  route('emails', 'unsubscribe.page', 'GET', '/u/{token}', 'Unsubscribe page with a confirm button (HTML)', link),
  route('emails', 'unsubscribe.confirm', 'POST', '/u/{token}', 'RFC 8058 one-click unsubscribe: honoured at once', {
    ...link,
    acceptsForm: true,
    maxBodyBytes: 4096,
  }),
] as const;
