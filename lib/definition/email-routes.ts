/**
 * Routes of email delivery. `/api/...` is workspace-scoped: the edge checks membership and
 * permission. `/u/{token}` and the tracking links `/t/o|c/{token}` are public (the sealed token
 * names the workspace and address): no CSRF, since RFC 8058 one-click POSTs come from mail
 * providers without cookies.
 */
import { route } from './route';

// Rate tier `link`: the per-address flood guard only (shared/rate-limit/rules.ts). A mailbox
// provider POSTs the one-click unsubscribes of many people from a few addresses, and image
// proxies and office gateways fetch many people's pixels and links: 20 a minute refused them.
const link = { auth: 'public', csrf: false, rateTier: 'link' } as const;

export const emailRoutes = [
  route('emails', 'emails.send', 'POST', '/api/emails/send', 'Queue a one-off email (202 with its send id)', {
    permission: 'emails:send',
    rateTier: 'email',
    sendsMail: true,
  }),
  route('emails', 'unsubscribe.page', 'GET', '/u/{token}', 'Unsubscribe page with a confirm button (HTML)', link),
  route('emails', 'unsubscribe.confirm', 'POST', '/u/{token}', 'RFC 8058 one-click unsubscribe: honoured at once', {
    ...link,
    // The one-click form (RFC 8058: SHOULD be multipart/form-data, MAY be urlencoded; either
    // reaches the operation as the urlencoded string) or the preferences page's JSON
    // `{"topics": [...]}`. `*/*`: a POST to the link is the unsubscribe, so no body is refused
    // for its type; one the route cannot read arrives as none (unsubscribe from all).
    bodyTypes: ['application/x-www-form-urlencoded', 'multipart/form-data', 'application/json', '*/*'],
    maxBodyBytes: 4096,
  }),
  route('emails', 'tracking.open', 'GET', '/t/o/{token}', 'Open pixel: a 1x1 GIF, whatever the token', link),
  route('emails', 'tracking.click', 'GET', '/t/c/{token}', 'Tracked link: 302 to its sealed target', link),
  route('emails', 'tracking.click-check', 'HEAD', '/t/c/{token}', 'A link checker probing a tracked link', link),
  // Stored templates (function `email-templates`): versioned, linted at save (docs/EMAIL.md, "Templates").
  route('email-templates', 'email-templates.create', 'POST', '/api/email-templates', 'Create a template (version 1)', {
    permission: 'templates:write',
  }),
  route('email-templates', 'email-templates.list', 'GET', '/api/email-templates', 'List live templates, paged', {
    permission: 'templates:read',
  }),
  route(
    'email-templates',
    'email-templates.get',
    'GET',
    '/api/email-templates/{id}',
    'A template’s latest version (`?version=N` for an older one)',
    { permission: 'templates:read' },
  ),
  route(
    'email-templates',
    'email-templates.update',
    'PUT',
    '/api/email-templates/{id}',
    'Save a new version (If-Match: the version it replaces)',
    { permission: 'templates:write' },
  ),
  route('email-templates', 'email-templates.delete', 'DELETE', '/api/email-templates/{id}', 'Soft-delete a template', {
    permission: 'templates:write',
  }),
  route(
    'email-templates',
    'email-templates.preview',
    'POST',
    '/api/email-templates/{id}/preview',
    'Render a template for a contact, with its lint findings',
    // A POST (it takes a body): viewers write nothing, so previewing is part of editing.
    { permission: 'templates:write' },
  ),
  route(
    'email-templates',
    'email-templates.send',
    'POST',
    '/api/email-templates/{id}/send',
    'Broadcast a template to the workspace’s contacts (202, fanned out in the background)',
    { permission: 'emails:send', rateTier: 'email', sendsMail: true },
  ),
  route('email-templates', 'email-broadcasts.get', 'GET', '/api/email-broadcasts/{id}', 'A broadcast’s progress', {
    permission: 'templates:read',
  }),
  // Sending status and provider webhooks (function `email-sending`; docs/EMAIL.md, "Provider events and reputation").
  route(
    'email-sending',
    'email-sending.status',
    'GET',
    '/api/emails/sending',
    'Whether marketing sends are paused (why, since when) and the reputation window’s counts and rates',
    { permission: 'emails:read' },
  ),
  route(
    'email-sending',
    'email-sending.resume',
    'POST',
    '/api/emails/sending/resume',
    'Resume paused marketing sends (a person’s decision; audited)',
    { permission: 'emails:manage' },
  ),
  // Signed by Resend (Svix headers), verified before anything is queued. Exempt from the per-client
  // limit: every webhook comes from Resend's few addresses, and a 429 would only delay its retries.
  route(
    'email-sending',
    'hooks.resend',
    'POST',
    '/api/hooks/resend',
    'Resend webhook (Svix-signed): queued for the event processor',
    {
      auth: 'public',
      csrf: false,
      rateTier: 'exempt',
      maxBodyBytes: 256 * 1024,
    },
  ),
] as const;
