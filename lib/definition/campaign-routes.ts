/** Routes of campaigns. All workspace-scoped: the edge checks membership and permission. */
import { route } from './route';

const read = { permission: 'campaigns:read' } as const;
const write = { permission: 'campaigns:write' } as const;
const launch = { permission: 'campaigns:launch' } as const;
/** Sets the campaign's mail going: launch permission and a verified email address (types.ts `sendsMail`). */
const launchMail = { ...launch, sendsMail: true } as const;

export const campaignRoutes = [
  route('campaigns', 'campaigns.create', 'POST', '/api/campaigns', 'Create a draft campaign (journey + rules)', write),
  route('campaigns', 'campaigns.list', 'GET', '/api/campaigns/list', 'List campaigns, optionally by status', read),
  route('campaigns', 'campaigns.get', 'GET', '/api/campaigns/{id}', 'One campaign with its draft', read),
  route('campaigns', 'campaigns.update', 'PATCH', '/api/campaigns/{id}', 'Edit the draft (the next version)', write),
  // Archiving ends every running enrolment, like POST .../archive: launch permission.
  route('campaigns', 'campaigns.delete', 'DELETE', '/api/campaigns/{id}', 'Archive a campaign', launch),
  route(
    'campaigns',
    'campaigns.publish',
    'POST',
    '/api/campaigns/{id}/publish',
    'Freeze the draft as a version',
    launchMail,
  ),
  // Changes what running enrolments do (like publish): launch permission.
  route(
    'campaigns',
    'campaigns.promote',
    'POST',
    '/api/campaigns/{id}/nodes/{nodeId}/promote',
    'Promote the winner of an A/B node: every new arrival takes that arm or subject variant',
    launch,
  ),
  route(
    'campaigns',
    'campaigns.unpromote',
    'DELETE',
    '/api/campaigns/{id}/nodes/{nodeId}/promote',
    'Undo a promotion: new arrivals are split again',
    launch,
  ),
  // Spends the AI budget (the `ai` function: provider keys, a 20 s timeout, the `ai` rate tier);
  // the handler also requires campaigns:write.
  route(
    'ai',
    'campaigns.ai-drafts.create',
    'POST',
    '/api/campaigns/{id}/nodes/{nodeId}/ai-drafts',
    "Write an AI draft of an email node's copy (aiCopy), linted; 201",
    { permission: 'ai:use', rateTier: 'ai' },
  ),
  route(
    'campaigns',
    'campaigns.ai-drafts.list',
    'GET',
    '/api/campaigns/{id}/nodes/{nodeId}/ai-drafts',
    "An email node's AI drafts (newest first), its approval and whether it may be published",
    read,
  ),
  // Creates or versions the node's email template: the use case also requires templates:write.
  route(
    'campaigns',
    'campaigns.ai-drafts.approve',
    'POST',
    '/api/campaigns/{id}/nodes/{nodeId}/ai-drafts/{draftId}/approve',
    "Approve an AI draft, optionally edited: linted (422), then written into the node's template",
    { ...write, maxBodyBytes: 262_144 },
  ),
  route('campaigns', 'campaigns.pause', 'POST', '/api/campaigns/{id}/pause', 'Pause: timers are held', launch),
  route('campaigns', 'campaigns.resume', 'POST', '/api/campaigns/{id}/resume', 'Resume a paused campaign', launchMail),
  route(
    'campaigns',
    'campaigns.archive',
    'POST',
    '/api/campaigns/{id}/archive',
    'Archive: running enrolments end',
    launch,
  ),
  route(
    'campaigns',
    'campaigns.enrol',
    'POST',
    '/api/campaigns/{id}/enrol',
    'Enrol contacts by id, or every contact matching a filter (a launch, 202; idempotent by client key)',
    launchMail,
  ),
  route(
    'campaigns',
    'campaigns.launch',
    'GET',
    '/api/campaigns/{id}/launches/{launchId}',
    'Progress of a launch',
    read,
  ),
  // Enrols the rest of the audience: launch permission, as the enrol that started it.
  route(
    'campaigns',
    'campaigns.launch-resume',
    'POST',
    '/api/campaigns/{id}/launches/{launchId}/resume',
    'Resume a failed launch at its first page not counted (202)',
    launchMail,
  ),
  route('campaigns', 'campaigns.enrolments', 'GET', '/api/campaigns/{id}/enrolments', 'Enrolments of a campaign', read),
  route(
    'campaigns',
    'campaigns.stats',
    'GET',
    '/api/campaigns/{id}/stats',
    'Counters per campaign, node and arm',
    read,
  ),
  route(
    'campaigns',
    'campaigns.exit',
    'POST',
    '/api/campaigns/{id}/enrolments/{contactId}/exit',
    'End one enrolment now',
    launch,
  ),
  route(
    'campaigns',
    'campaigns.retry',
    'POST',
    '/api/campaigns/{id}/enrolments/{contactId}/retry',
    'Give a failed enrolment another go at the node it failed on',
    launchMail,
  ),
  route(
    'campaigns',
    'campaigns.webhook-token',
    'POST',
    '/api/campaigns/{id}/webhook-token',
    'A new webhook token (shown once; the old one stops working)',
    // The token enrols contacts, which otherwise takes launch permission: access handed out, so
    // from a session only (API keys get 403 API_KEY_NOT_ALLOWED: a token outlives any key).
    { ...launch, handsOutAccess: true },
  ),
  route(
    'campaigns',
    'campaigns.signing-secret',
    'POST',
    '/api/campaigns/{id}/signing-secret',
    'A new secret that webhook actions are signed with (shown once; the old one stops signing)',
    // Receivers trust what it signs, and it outlives any key: session only (no email check: it
    // lets no one into the workspace).
    { ...write, sessionOnly: true },
  ),
  // The token in the path is the credential (only its hash is stored): no session, so no CSRF.
  route(
    'campaigns',
    'hooks.campaign',
    'POST',
    '/api/hooks/campaigns/{id}/{token}',
    'Webhook trigger: enrol the contact named by email or contactId (202)',
    { auth: 'public', csrf: false, rateTier: 'hook', maxBodyBytes: 4096 },
  ),
  route(
    'campaigns',
    'contacts.enrolments',
    'GET',
    '/api/contacts/{id}/enrolments',
    'A contact’s enrolments across campaigns',
    // Campaign data (names, states, failure reasons): a role that reads contacts but not campaigns
    // does not see it (a campaign's enrolment list already names its contacts).
    read,
  ),
] as const;
