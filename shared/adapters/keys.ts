/**
 * Every key layout of the three tables, in one place (single-table design; see
 * docs/ARCHITECTURE.md). Business records live under their workspace's partition
 * (`WS#<workspaceId>`), so a query can never cross workspaces: the workspace id is part of
 * every key a use case reaches. Credentials and tokens are addressed by the SHA-256 of their
 * raw value, never the value itself.
 */

// ── core: workspaces, organizations, users ────────────────────────────────────────────
export const workspacePk = (workspaceId: string): string => `WS#${workspaceId}`;
export const orgPk = (organizationId: string): string => `ORG#${organizationId}`;
/** Under the organization partition: how many workspaces it keeps. */
export const WORKSPACE_COUNT_SK = 'WORKSPACE_COUNT';
export const META_SK = 'META';
/** Operator-written defaults (settings) that no workspace owns. */
export const GLOBAL_PK = 'GLOBAL';

export const userPk = (userId: string): string => `USER#${userId}`;
export const USER_PROFILE_SK = 'PROFILE';
export const USER_CREDENTIALS_SK = 'CREDENTIALS';
/** One item per address makes the email unique service-wide (conditional put in the sign-up transaction). */
export const emailPk = (email: string): string => `EMAIL#${email.toLowerCase()}`;
export const EMAIL_SK = 'EMAIL';

/** Membership: under the workspace; gsi1 lists a user's memberships. */
export const MEMBER_PREFIX = 'MEMBER#';
export const memberSk = (userId: string): string => `${MEMBER_PREFIX}${userId}`;
export const MEMBERSHIP_GSI1_PREFIX = 'MEMBERSHIP#';
export const membershipGsi1 = (userId: string, workspaceId: string) => ({
  gsi1pk: userPk(userId),
  gsi1sk: `${MEMBERSHIP_GSI1_PREFIX}${workspaceId}`,
});

export const ROLE_PREFIX = 'ROLE#';
export const roleSk = (name: string): string => `${ROLE_PREFIX}${name}`;
/** Under the workspace partition: how many custom roles it keeps (outside the `ROLE#` prefix). */
export const ROLE_COUNT_SK = 'ROLE_COUNT';

/** Sessions: looked up by token hash; gsi1 lists a user's sessions. */
export const sessionPk = (tokenHash: string): string => `SESSION#${tokenHash}`;
export const SESSION_SK = 'SESSION';
export const SESSION_GSI1_PREFIX = 'SESSION#';
export const sessionGsi1 = (userId: string, createdAt: string, sessionId: string) => ({
  gsi1pk: userPk(userId),
  gsi1sk: `${SESSION_GSI1_PREFIX}${createdAt}#${sessionId}`,
});

/** API keys: looked up by key hash; gsi1 lists a workspace's keys. */
export const apiKeyPk = (keyHash: string): string => `APIKEY#${keyHash}`;
export const API_KEY_SK = 'APIKEY';
export const API_KEY_GSI1_PREFIX = 'APIKEY#';
export const apiKeyGsi1 = (workspaceId: string, keyId: string) => ({
  gsi1pk: workspacePk(workspaceId),
  gsi1sk: `${API_KEY_GSI1_PREFIX}${keyId}`,
});
/** Under the workspace partition: how many of its keys are active. */
export const ACTIVE_API_KEYS_SK = 'APIKEY_COUNT';

/** Invites: looked up by token hash; gsi1 lists a workspace's invites, oldest first. */
export const invitePk = (tokenHash: string): string => `INVITE#${tokenHash}`;
export const INVITE_SK = 'INVITE';
export const INVITE_GSI1_PREFIX = 'INVITE#';
export const inviteGsi1 = (workspaceId: string, createdAt: string, inviteId: string) => ({
  gsi1pk: workspacePk(workspaceId),
  gsi1sk: `${INVITE_GSI1_PREFIX}${createdAt}#${inviteId}`,
});

/** Trusted devices, under their user. */
export const deviceSk = (fingerprintHash: string): string => `DEVICE#${fingerprintHash}`;
/** Settings, under their workspace (or `GLOBAL`). */
export const settingSk = (key: string): string => `SETTING#${key}`;
/** Under the workspace partition: how many settings it keeps (outside the `SETTING#` prefix). */
export const SETTINGS_COUNT_SK = 'SETTING_COUNT';

// ── core: CRM ─────────────────────────────────────────────────────────────────────────
/** Contacts live under their workspace (the same key the campaign audience pages through). */
export const CONTACT_PREFIX = 'CONTACT#';
export const contactSk = (contactId: string): string => `${CONTACT_PREFIX}${contactId}`;
/** One claim item per address makes the email unique per workspace. */
export const contactEmailSk = (email: string): string => `CONTACTEMAIL#${email.toLowerCase()}`;
/** Interactions: a partition per contact, sorted by time, newest read first. */
export const interactionPk = (workspaceId: string, contactId: string): string =>
  `${workspacePk(workspaceId)}#${contactSk(contactId)}`;
export const INTERACTION_PREFIX = 'INTERACTION#';
export const interactionSk = (occurredAt: string, interactionId: string): string =>
  `${INTERACTION_PREFIX}${occurredAt}#${interactionId}`;
/**
 * The contact's state (live or deleted) mirrored into its interaction partition, sorted right
 * after every `INTERACTION#` key (`~` > `#`) and outside that prefix: the newest-first timeline
 * Query reads it first, with the page, so the first page needs no separate read of the contact.
 */
export const CONTACT_HEAD_SK = 'INTERACTION~CONTACT';
/** Consent given and withdrawn: in the contact's interaction partition, in time order. */
export const CONSENT_PREFIX = 'CONSENT#';
export const consentSk = (at: string, consentId: string): string => `${CONSENT_PREFIX}${at}#${consentId}`;
/** gsi2 sorts a workspace's live contacts by tier and score: `WS#<ws>#TIER#hot` / zero-padded score. */
export const tierGsi2 = (workspaceId: string, tier: string, score: number, contactId: string) => ({
  gsi2pk: `${workspacePk(workspaceId)}#TIER#${tier}`,
  gsi2sk: `${String(Math.round(score * 100)).padStart(6, '0')}#${contactId}`,
});

/** Scoring: state, ledger and per-interaction claims share the contact's interaction partition. */
export const SCORE_SK = 'SCORE';
export const LEDGER_PREFIX = 'LEDGER#';
export const ledgerSk = (at: string, id: string): string => `${LEDGER_PREFIX}${at}#${id}`;
/** The claim that makes scoring idempotent per interaction. */
export const scoredSk = (interactionId: string): string => `SCORED#${interactionId}`;
/** Under the workspace: the versioned rules and the recompute jobs (with one item per page done). */
export const SCORING_RULES_SK = 'SCORING_RULES';
export const jobSk = (jobId: string): string => `SCOREJOB#${jobId}`;
export const jobPageSk = (jobId: string, page: number): string => `${jobSk(jobId)}#PAGE#${page}`;

// ── core: campaigns, AI, security alerts ──────────────────────────────────────────────
export const campaignSk = (campaignId: string): string => `CAMPAIGN#${campaignId}`;
export const ENROLMENT_PREFIX = 'ENROLMENT#';
export const enrolmentSk = (campaignId: string, contactId: string): string =>
  `${ENROLMENT_PREFIX}${campaignId}#${contactId}`;
/**
 * A launch id that started a run of a contact's enrolment and left the enrolment's recent list
 * (`launches`, enrolment.ts): a late copy of its enrol message is still no re-entry. No TTL.
 */
export const enrolmentLaunchSk = (campaignId: string, contactId: string, launchId: string): string =>
  `ENROLLAUNCH#${campaignId}#${contactId}#${launchId}`;
/** A published, frozen version of a campaign (zero-padded so versions sort). */
export const campaignVersionSk = (campaignId: string, version: number): string =>
  `CAMPAIGNVERSION#${campaignId}#${String(version).padStart(6, '0')}`;
/** Marketing mail queued for a contact (frequency caps), in its interaction partition, with a TTL. */
export const MARKETING_SEND_PREFIX = 'MKTSEND#';
export const marketingSendSk = (keyHash: string): string => `${MARKETING_SEND_PREFIX}${keyHash}`;
/** A launch of a campaign's audience (its progress), and one marker per page counted. */
export const launchSk = (launchId: string): string => `CAMPAIGNLAUNCH#${launchId}`;
export const launchPageSk = (launchId: string, pageKey: string): string => `CAMPAIGNLAUNCH#${launchId}#PAGE#${pageKey}`;
/** Marks an email event (opened, clicked...) of a campaign send counted, so a repeat counts nothing. */
export const campaignEventSk = (campaignId: string, sendId: string, kind: string): string =>
  `CAMPAIGNEVENT#${campaignId}#${sendId}#${kind}`;
/**
 * A campaign's last automatic promotion refused for the record's size (promotion.ts
 * `PromotionRefusal`): one small item, replaced by the next; not under the stats prefix.
 */
export const promotionRefusalSk = (campaignId: string): string => `CAMPAIGNPROMOREFUSED#${campaignId}`;
/** The campaign's counters: numeric attributes updated with ADD, over a few shard items. */
/** Counter shards per campaign: ADDs spread over them, a read sums them (one Query of the prefix). */
export const CAMPAIGN_STATS_SHARDS = 8;
/** Every stats item of a campaign starts so: the shards of its campaign-wide counters and those of each subject. */
export const campaignStatsPrefix = (campaignId: string): string => `CAMPAIGNSTATS#${campaignId}#`;
export const campaignStatsSk = (campaignId: string, shard: number): string => `CAMPAIGNSTATS#${campaignId}#${shard}`;
/**
 * A shard of the counters of one subject of a campaign (a node, a split's arm, an email's line:
 * dynamo-enrolments.ts `counterSubject`): one item each, so no item holds more names than a subject has.
 */
export const campaignSubjectStatsSk = (campaignId: string, shard: number, subject: string): string =>
  `CAMPAIGNSTATS#${campaignId}#${shard}#${subject}`;
/** gsi1: a contact's enrolments across campaigns (`GET /api/contacts/{id}/enrolments`). */
export const contactEnrolmentsGsi1 = (workspaceId: string, contactId: string, campaignId: string) => ({
  gsi1pk: `${workspacePk(workspaceId)}#ENROLMENTS#${contactId}`,
  gsi1sk: campaignId,
});
/**
 * gsi2, sparse: enrolments that wait (or are held), by due time, spread over shards so no one
 * partition takes every write; the sweep reads each shard up to "now".
 */
export const DUE_STEP_SHARDS = 8;
/** gsi2, sparse: enrolments held by a paused campaign, listed per campaign when it resumes. */
export const heldGsi2 = (workspaceId: string, campaignId: string, contactId: string) => ({
  gsi2pk: `HELD#${workspaceId}#${campaignId}`,
  gsi2sk: contactId,
});
export const DUE_STEP_PREFIX = 'DUE#step#';
export const dueStepGsi2 = (
  shard: number,
  dueAt: string,
  workspaceId: string,
  campaignId: string,
  contactId: string,
) => ({
  gsi2pk: `${DUE_STEP_PREFIX}${shard}`,
  gsi2sk: `${dueAt}#${workspaceId}#${campaignId}#${contactId}`,
});
/**
 * gsi1, sparse: contacts holding pending domain events (pending-events.ts), by when the sweep
 * publishes them should no write have (the write that recorded them plus a grace), over the same
 * number of shards as the steps' due index ({@link DUE_STEP_SHARDS}).
 */
export const CONTACT_EVENTS_DUE_PREFIX = 'DUE#contactEvents#';
export const contactEventsDueGsi1 = (shard: number, dueAt: string, workspaceId: string, contactId: string) => ({
  gsi1pk: `${CONTACT_EVENTS_DUE_PREFIX}${shard}`,
  gsi1sk: `${dueAt}#${workspaceId}#${contactId}`,
});
/** gsi1 partition holding campaigns with a pending scheduled launch, sorted by due time. */
export const DUE_CAMPAIGNS_PK = 'DUE#campaign';
export const dueCampaignSk = (dueAt: string, workspaceId: string, campaignId: string): string =>
  `${dueAt}#${workspaceId}#${campaignId}`;
/** A workspace's campaign trigger index: one item per event-triggered campaign, found by kind and value. */
export const triggerIndexSk = (kind: string, value: string, campaignId: string): string =>
  `${triggerIndexPrefix(kind, value)}${campaignId}`;
export const triggerIndexPrefix = (kind: string, value: string): string => `TRIGGER#${kind}#${value}#`;
/** Which index item a campaign has (so a change removes the old one). */
export const campaignTriggerSk = (campaignId: string): string => `CAMPAIGNTRIGGER#${campaignId}`;
/** One claim per (domain event, campaign), with a TTL: a replayed event enrols nobody twice. */
export const triggerClaimSk = (eventId: string, contactId: string, campaignId: string): string =>
  `TRIGGERCLAIM#${eventId}#${contactId}#${campaignId}`;
/** A campaign webhook token, by the SHA-256 of the token (global: the public route names no workspace). */
export const campaignHookPk = (tokenHash: string): string => `CAMPAIGNHOOK#${tokenHash}`;
export const CAMPAIGN_HOOK_SK = 'HOOK';
/** The campaign's current token hash (rotation deletes the previous token's item). */
export const campaignHookSk = (campaignId: string): string => `CAMPAIGNHOOK#${campaignId}`;
/** The POSTs counted of one webhook effect (its step key and round), with a TTL (dynamo-webhook-attempts.ts). */
export const webhookAttemptsSk = (key: string): string => `WEBHOOKTRY#${key}`;
/** The secret a campaign's outbound webhooks are signed with (HMAC-SHA256). */
export const campaignSigningSk = (campaignId: string): string => `CAMPAIGNSIGNING#${campaignId}`;
/** AI copy drafts of a campaign's email node; the draft id starts with its time, so they sort. */
export const campaignAiDraftPrefix = (campaignId: string, nodeId: string): string =>
  `CAMPAIGNAIDRAFT#${campaignId}#${nodeId}#`;
export const campaignAiDraftSk = (campaignId: string, nodeId: string, draftId: string): string =>
  `${campaignAiDraftPrefix(campaignId, nodeId)}${draftId}`;
export const aiCallSk = (callId: string): string => `AICALL#${callId}`;
/** A workspace's AI usage of one UTC month (`YYYY-MM`): counters per agent and in total. */
export const aiUsageSk = (month: string): string => `AIUSAGE#${month}`;

/** Alerts of a workspace live under it; the others under the `SYSTEM` partition, by creation time. */
export const alertPk = (workspaceId?: string): string => (workspaceId ? workspacePk(workspaceId) : 'SYSTEM');
export const ALERT_SK_PREFIX = 'ALERT#';
export const alertSk = (createdAt: string, alertId: string): string => `${ALERT_SK_PREFIX}${createdAt}#${alertId}`;

// ── audit ─────────────────────────────────────────────────────────────────────────────
/** The workspace's partition, or gsi1 per event type; both sorted by `<createdAt>#<id>`. */
export const auditPk = (workspaceId: string): string => workspacePk(workspaceId);
export const auditTypeGsi1pk = (workspaceId: string, eventType: string): string =>
  `${workspacePk(workspaceId)}#TYPE#${eventType}`;
export const auditSk = (createdAt: string, id: string): string => `${createdAt}#${id}`;

// ── ephemeral ─────────────────────────────────────────────────────────────────────────
/** Single-use account tokens, by purpose. */
export const tokenPk = (tokenHash: string): string => `TOKEN#${tokenHash}`;
/** Rate-limit counters (the partition key is the limiter's own key). */
export const COUNTER_SK = 'counter';
/** Log-in attempt counters (the earlier failures-only layout, `login-failures`, expires on its own). */
export const LOGIN_ATTEMPTS_SK = 'login-attempts';
export const MAIL_QUOTA_SK = 'mail-quota';
/**
 * Idempotency keys: a partition per (workspace, operation, client key), so one workspace's
 * key never meets another's. The client's key comes last: any characters it holds are safe.
 */
export const idempotencyPk = (workspaceId: string, operation: string, key: string): string =>
  `IDEMPOTENCY#${workspaceId}#${operation}#${key}`;
export const IDEMPOTENCY_SK = 'request';

// ── email delivery ───────────────────────────────────────────────────────────────────
/** The send ledger (core): one record per (workspace, idempotency key); the key comes last, any characters are safe. */
export const emailSendSk = (idempotencyKey: string): string => `EMAILSEND#${idempotencyKey}`;
/** Suppressed addresses (core): under `WS#<id>` per workspace, under `GLOBAL` for every workspace. */
export const SUPPRESSION_PREFIX = 'SUPPRESSION#';
export const suppressionSk = (email: string): string => `${SUPPRESSION_PREFIX}${email.trim().toLowerCase()}`;
/**
 * A contact's own opt-outs (core, under `WS#<id>`): an unsubscribe is the person's, so it follows
 * the contact to a new address, where an address suppression would not.
 */
export const contactOptOutSk = (contactId: string): string => `CONTACTOPTOUT#${contactId}`;
/** Whether (and why) a workspace's marketing sends are paused (core). */
export const EMAIL_SENDING_SK = 'EMAIL_SENDING';
/** The shared send pace (ephemeral): one token-bucket item per provider. */
export const sendPacePk = (provider: string): string => `EMAILPACE#${provider}`;
export const SEND_PACE_SK = 'bucket';
/** Stored email templates (core): the record (pointing at its latest version) under the workspace. */
export const EMAIL_TEMPLATE_PREFIX = 'EMAILTEMPLATE#';
export const emailTemplateSk = (templateId: string): string => `${EMAIL_TEMPLATE_PREFIX}${templateId}`;
/** One immutable item per template version, beside the record (not under its listing prefix). */
export const emailTemplateVersionSk = (templateId: string, version: number): string =>
  `EMAILTEMPLATEVERSION#${templateId}#${String(version).padStart(6, '0')}`;
/** Broadcasts (core), and one marker per audience page recorded (a redelivered page counts once). */
export const emailBroadcastSk = (broadcastId: string): string => `EMAILBROADCAST#${broadcastId}`;
export const emailBroadcastPageSk = (broadcastId: string, page: number): string =>
  `EMAILBROADCASTPAGE#${broadcastId}#${page}`;
/** Provider message id -> the ledger record it was sent as (core, under the workspace; written by markSent). */
export const emailMessageSk = (provider: string, providerMessageId: string): string =>
  `EMAILMSG#${provider}#${providerMessageId}`;
/** A provider event already counted (core): the key names provider, message, type and recipient. */
export const emailEventSk = (eventKey: string): string => `EMAILEVT#${eventKey}`;
/** An address's soft bounces (core): a string set of `<atMs>#<event>` entries. */
export const softBouncesSk = (email: string): string => `SOFTBOUNCE#${email.trim().toLowerCase()}`;
/** Reputation counters (core): one item per workspace and UTC hour (`2026-12-04T08`), summed over the window. */
export const REPUTATION_PREFIX = 'EMAILREP#';
export const reputationSk = (hour: string): string => `${REPUTATION_PREFIX}${hour}`;
/** A reputation warning already raised that day (core). */
export const reputationWarnSk = (day: string): string => `EMAILREPWARN#${day}`;
