/**
 * The application, declared once. Read by the CDK stacks and by the local runtime.
 */

import { aiRoutes } from './ai-routes';
import { campaignRoutes } from './campaign-routes';
import { crmRoutes } from './crm-routes';
import { emailRoutes } from './email-routes';
import { identityRoutes } from './identity-routes';
import { route } from './route';
import type {
  FunctionDeclaration,
  FunctionName,
  RouteDeclaration,
  ScheduleDeclaration,
  StateMachineDeclaration,
  TableAccess,
  TableDeclaration,
  TableName,
} from './types';

export { eventRules } from './event-rules';
export * from './names';
export { queues } from './queues';
export type * from './types';

export const SERVICE_NAME = 'unite-hub';

/**
 * Every function. Checked against the declaration shape, and kept literal (`as const`) so
 * `FunctionName` and `HttpFunctionName` (types.ts) are derived from this list.
 */
export const declaredFunctions = [
  {
    name: 'system',
    entry: 'functions/system.ts',
    description: 'Health, CSRF token, status page and the 404/405 fallback',
    kind: 'http',
    memoryMb: 512,
    timeoutSeconds: 10,
    tables: { core: 'describe' },
    queues: { 'drip-steps': 'describe', 'ai-calls': 'describe' },
    ses: 'describe',
  },
  {
    name: 'identity',
    entry: 'functions/identity.ts',
    description: 'Sign-up, log-in, sessions, password reset, email verification, trusted devices',
    kind: 'http',
    memoryMb: 1024,
    timeoutSeconds: 10,
    tables: { core: 'readWrite', ephemeral: 'readWrite', audit: 'append' },
    queues: {},
    ses: 'send',
  },
  {
    name: 'security',
    entry: 'functions/security.ts',
    description: 'API keys, audit log, security alerts, settings registry',
    kind: 'http',
    memoryMb: 512,
    timeoutSeconds: 10,
    tables: { core: 'readWrite', audit: 'read' },
    queues: {},
    encryptsSecrets: true,
  },
  {
    name: 'workspaces',
    entry: 'functions/workspaces.ts',
    description: 'Workspaces, members, invites and custom roles',
    kind: 'http',
    memoryMb: 512,
    timeoutSeconds: 10,
    tables: { core: 'readWrite', audit: 'append' },
    queues: {},
    ses: 'send',
  },
  {
    name: 'contacts',
    entry: 'functions/contacts.ts',
    description: 'Contacts, CSV import and export, interactions and the timeline',
    kind: 'http',
    memoryMb: 1024,
    timeoutSeconds: 29,
    tables: { core: 'readWrite', audit: 'append' },
    // drip-steps: the domain events PutEvents did not take go straight to the rule's queue
    // (a write that landed answers 2xx: shared/adapters/fallback-events.ts).
    queues: { 'drip-steps': 'send' },
    publishesEvents: true,
  },
  {
    name: 'scoring',
    entry: 'functions/scoring.ts',
    description: 'Scores with their ledger, hot leads and the scoring rules',
    kind: 'http',
    memoryMb: 512,
    timeoutSeconds: 10,
    tables: { core: 'readWrite' },
    queues: { 'score-recompute': 'send' },
  },
  {
    name: 'score-recompute-worker',
    entry: 'functions/score-recompute-worker.ts',
    description: 'Recomputes a workspace’s scores after a rule change, one page per message',
    kind: 'queue',
    memoryMb: 512,
    timeoutSeconds: 60,
    tables: { core: 'readWrite' },
    queues: { 'score-recompute': 'send' },
    publishesEvents: true,
  },
  {
    name: 'drip-step-worker',
    entry: 'functions/drip-step-worker.ts',
    description: 'Runs campaign enrolments: one step message per contact, emails onto the email-sends queue',
    kind: 'queue',
    memoryMb: 512,
    // A batch of 10 webhook actions to a receiver that never answers waits 10 x 5 s.
    timeoutSeconds: 60,
    // The audit log: the A/B promotions the engine makes on its own (`by: 'auto'`).
    tables: { core: 'readWrite', audit: 'append' },
    // Its own queue for short timers and handovers; email-sends for campaign mail and notify-user.
    queues: { 'drip-steps': 'send', 'email-sends': 'send' },
    // Campaign mail carries unsubscribe links.
    sealsLinkTokens: true,
    setsStepTimers: true,
    // adjust-score actions: a tier crossing is a domain event like any other score change.
    publishesEvents: true,
  },
  {
    name: 'campaigns',
    entry: 'functions/campaigns.ts',
    description: 'Campaigns: drafts, versions, status, enrolment, launches, stats',
    kind: 'http',
    memoryMb: 512,
    timeoutSeconds: 10,
    tables: { core: 'readWrite', audit: 'append' },
    queues: { 'drip-steps': 'send' },
    startsStateMachine: true,
  },
  {
    name: 'campaign-sweeper',
    entry: 'functions/campaign-sweeper.ts',
    description:
      'Scheduled: re-sends the step of every enrolment whose timer is overdue, publishes contact events no write published (the safety net)',
    kind: 'schedule',
    memoryMb: 256,
    timeoutSeconds: 60,
    // readWrite: a re-sent step's due-index entry is moved to the back of its shard; a contact's
    // pending events are taken out once published (shared/crm/contacts/sweep-pending-events.ts).
    tables: { core: 'readWrite' },
    // drip-steps: re-sent steps, and the domain events PutEvents did not take (fallback-events.ts).
    queues: { 'drip-steps': 'send' },
    // The pending events of contacts that no write published (contact.created, tag_added, kept ones).
    publishesEvents: true,
  },
  {
    name: 'ai-call-worker',
    entry: 'functions/ai-call-worker.ts',
    description: 'Runs one queued AI call per message from the ai-calls queue',
    kind: 'queue',
    memoryMb: 512,
    timeoutSeconds: 60,
    // Call records, usage, settings, contacts, timelines and scores: all in core (the claim is on the record).
    tables: { core: 'readWrite' },
    queues: {},
    // A contact-intelligence result that moves a contact across a tier publishes the crossing.
    publishesEvents: true,
    // Anthropic and OpenRouter join the AI chain when their keys are set (docs/AI.md).
    readsProviderSecrets: ['anthropic-api-key', 'openrouter-api-key'],
  },
  {
    name: 'ai',
    entry: 'functions/ai.ts',
    description: 'AI agents: queued calls and their results, synchronous previews, monthly usage and budgets',
    kind: 'http',
    memoryMb: 512,
    // A preview waits for the model up to 10 s (shared/ai/ai-preview.ts); API Gateway stops at 30 s.
    timeoutSeconds: 20,
    // ephemeral: idempotency keys of queued calls.
    tables: { core: 'readWrite', ephemeral: 'readWrite' },
    queues: { 'ai-calls': 'send' },
    readsProviderSecrets: ['anthropic-api-key', 'openrouter-api-key'],
  },
  {
    name: 'emails',
    entry: 'functions/emails.ts',
    description: 'One-off email sends (queued) and the public one-click unsubscribe links',
    kind: 'http',
    memoryMb: 512,
    timeoutSeconds: 10,
    tables: { core: 'readWrite', audit: 'append' },
    // drip-steps: the domain events PutEvents did not take go straight to the rule's queue
    // (a tracking hit or an unsubscribe is not retried: shared/adapters/fallback-events.ts).
    queues: { 'email-sends': 'send', 'drip-steps': 'send' },
    // An open, a click or an unsubscribe is an interaction: published, and scoring it may publish a threshold event.
    publishesEvents: true,
    sealsLinkTokens: true,
  },
  {
    name: 'email-templates',
    entry: 'functions/email-templates.ts',
    description: 'Stored email templates with versions, previews, and broadcasts (queued page by page)',
    kind: 'http',
    memoryMb: 512,
    timeoutSeconds: 10,
    tables: { core: 'readWrite' },
    // A broadcast's first audience page goes on the send queue; the sender fans it out.
    queues: { 'email-sends': 'send' },
  },
  {
    name: 'email-sender',
    entry: 'functions/email-sender.ts',
    description: 'Sends one queued email per message: claim, suppression, pace, provider failover, record',
    kind: 'queue',
    memoryMb: 512,
    timeoutSeconds: 30,
    tables: { core: 'readWrite', ephemeral: 'readWrite' },
    // Its own queue: a paced or throttled message goes back as a new delayed message (docs/EMAIL.md).
    queues: { 'email-sends': 'send' },
    ses: 'send',
    readsSendQuota: true,
    // Resend and SMTP join the failover chain when their credentials are set.
    readsProviderSecrets: ['resend-api-key', 'smtp-url'],
    // Seals open and click links into the HTML it sends (docs/EMAIL.md, "Tracking").
    sealsLinkTokens: true,
  },
  {
    name: 'email-events',
    entry: 'functions/email-events.ts',
    description:
      'Provider events (SES, Resend): send records, suppressions, timelines, reputation counters, auto-pause',
    kind: 'queue',
    memoryMb: 512,
    timeoutSeconds: 30,
    tables: { core: 'readWrite' },
    queues: {},
    // Bounces and deliveries are interactions: scoring them may publish a threshold event.
    publishesEvents: true,
  },
  {
    name: 'email-sending',
    entry: 'functions/email-sending.ts',
    description: 'Sending status and resume (reputation pause), and the signed Resend webhook',
    kind: 'http',
    memoryMb: 512,
    timeoutSeconds: 10,
    tables: { core: 'readWrite', audit: 'append' },
    // A verified webhook is queued for the email-events processor.
    queues: { 'email-events': 'send' },
    readsProviderSecrets: ['resend-webhook-secret'],
  },
  {
    name: 'campaign-audience',
    entry: 'functions/campaign-audience.ts',
    description: 'State machine task: enrols one page of a campaign audience onto the drip-steps queue',
    kind: 'task',
    memoryMb: 512,
    timeoutSeconds: 60,
    tables: { core: 'readWrite' },
    queues: { 'drip-steps': 'send' },
  },
  {
    name: 'campaign-trigger',
    entry: 'functions/campaign-trigger.ts',
    description: 'Scheduled: starts a launch execution for every campaign that is due',
    kind: 'schedule',
    memoryMb: 256,
    timeoutSeconds: 60,
    tables: { core: 'readWrite' },
    queues: {},
    startsStateMachine: true,
  },
] as const satisfies readonly FunctionDeclaration<string>[];

export const functions: readonly FunctionDeclaration[] = declaredFunctions;

const pub = { auth: 'public' } as const;

const systemRoutes = [
  route('system', 'health.get', 'GET', '/api/health', 'Service health; `?deep=1` checks DynamoDB, SQS and SES', {
    ...pub,
    rateTier: 'exempt',
  }),
  route('system', 'health.head', 'HEAD', '/api/health', 'Liveness probe without a body', {
    ...pub,
    rateTier: 'exempt',
  }),
  route('system', 'csrf.token', 'GET', '/api/csrf-token', 'Issues a CSRF token and sets the `csrf-token` cookie', pub),
  route('system', 'status.page', 'GET', '/', 'A small HTML status page', pub),
] as const;

/** Every route, kept literal (`as const`) so `RouteId` and `RouteIdOf<F>` (types.ts) are derived from it. */
export const declaredRoutes = [
  ...systemRoutes,
  ...identityRoutes,
  ...crmRoutes,
  ...emailRoutes,
  ...campaignRoutes,
  ...aiRoutes,
] as const;

export const routes: readonly RouteDeclaration[] = declaredRoutes;

/** Requests that match no declared route; answers 404 or 405 as JSON. */
export const fallbackRoute: { readonly id: 'fallback'; readonly function: FunctionName } = {
  id: 'fallback',
  function: 'system',
};

export const tables: readonly TableDeclaration[] = [
  {
    name: 'core',
    description: 'Business records of every workspace (single-table design, pk/sk + two overloaded indexes)',
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    globalIndexes: [
      { name: 'gsi1', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } },
      { name: 'gsi2', partitionKey: { name: 'gsi2pk', type: 'S' }, sortKey: { name: 'gsi2sk', type: 'S' } },
    ],
    ttlAttribute: 'expiresAt',
  },
  {
    name: 'audit',
    description: 'Append-only audit log (functions may put, never update or delete)',
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    globalIndexes: [
      { name: 'gsi1', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } },
    ],
  },
  {
    name: 'ephemeral',
    description: 'Short-lived records: rate-limit counters, idempotency keys, OAuth state',
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    globalIndexes: [],
    ttlAttribute: 'expiresAt',
  },
];

export const schedules: readonly ScheduleDeclaration[] = [
  {
    name: 'campaign-sweep',
    description: 'Every 5 minutes: resume enrolments whose step timer is overdue, publish contact events left pending',
    expression: 'rate(5 minutes)',
    target: 'campaign-sweeper',
    detail: { kind: 'campaign-sweep' },
  },
  {
    name: 'campaign-triggers',
    description: 'Every 5 minutes: launch campaigns whose schedule is due',
    expression: 'cron(0/5 * * * ? *)',
    target: 'campaign-trigger',
    detail: { kind: 'campaign-triggers' },
  },
];

export const stateMachines: readonly StateMachineDeclaration[] = [
  {
    name: 'campaign-launch',
    description: 'Resolves a campaign audience page by page and fans drip steps out onto SQS',
    definitionFile: 'lib/definition/campaign-launch.asl.json',
    taskFunctions: { EnrolAudiencePageFunction: 'campaign-audience' },
  },
];

/** Looks a function declaration up by name; throws on an unknown name (a programming error). */
export function functionNamed(name: FunctionName): FunctionDeclaration {
  const found = functions.find((f) => f.name === name);
  if (!found) throw new Error(`No function is declared with the name "${name}"`);
  return found;
}

/**
 * What the shared HTTP edge needs in every HTTP function, whatever its routes do:
 * rate-limit counters (ephemeral); sessions, API keys and memberships read, their
 * last-used stamps updated and security alerts appended (core); audit entries (append).
 */
export const httpEdgeTables: Readonly<Partial<Record<TableName, TableAccess>>> = {
  ephemeral: 'readWrite',
  core: 'readWrite',
  audit: 'append',
};

/**
 * Every (table, access) a function is granted: its own declaration, plus the HTTP edge's
 * needs for HTTP functions. A table may appear with two accesses (e.g. describe + append).
 */
export function tableGrants(fn: FunctionDeclaration): Array<{ table: TableName; access: TableAccess }> {
  const grants = Object.entries(fn.tables).map(([table, access]) => ({ table: table as TableName, access }));
  if (fn.kind === 'http') {
    for (const [table, access] of Object.entries(httpEdgeTables) as [TableName, TableAccess][]) {
      const covered = grants.some((g) => g.table === table && (g.access === access || g.access === 'readWrite'));
      if (!covered) grants.push({ table, access });
    }
  }
  return grants;
}
