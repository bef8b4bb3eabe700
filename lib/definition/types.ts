/**
 * The shapes of the application's declarations. Everything here is plain data:
 * the CDK stacks (lib/cdk) and the local runtime (lib/local) both read the same
 * values, so a route, queue, table, schedule or workflow declared once exists in both.
 *
 * The names are derived from the declarations themselves (index.ts): a function name, a route
 * id or a permission that is not declared is a type error, not a surprise at cold start.
 */
import type { Permission } from '../../shared/identity/permissions';
import type { declaredFunctions, declaredRoutes } from './index';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * A request body's media type a route may declare (`bodyTypes`). `*\/*`, any media type: a
 * route that declares it never refuses a body for its type (see `bodyTypes`).
 */
export type BodyMediaType =
  | 'application/json'
  | 'text/csv'
  | 'text/plain'
  | 'application/x-www-form-urlencoded'
  | 'multipart/form-data'
  | '*/*';

/** Who may call a route. `user` = a session cookie or an API key. */
export type AuthMode = 'public' | 'user';

/**
 * Rate-limit tiers of the reference (per client, per minute unless noted), and `link`: the
 * public links in mail (unsubscribe, tracking), under the per-address flood guard only.
 */
export type RateTier = 'public' | 'authenticated' | 'premium' | 'ai' | 'email' | 'link' | 'hook' | 'exempt';

/** The name of every declared function (`functions` in index.ts). */
export type FunctionName = (typeof declaredFunctions)[number]['name'];
/** The functions of kind `http`: the only ones a route may name. */
export type HttpFunctionName = Extract<(typeof declaredFunctions)[number], { readonly kind: 'http' }>['name'];

/** Every declared route (`routes` in index.ts), each with its literal id and function. */
export type DeclaredRoute = (typeof declaredRoutes)[number];
/** The id of every declared route. */
export type RouteId = DeclaredRoute['id'];
/** The ids of the routes function `F` serves: exactly the operations its `httpFunction` must have. */
export type RouteIdOf<F extends FunctionName> = Extract<DeclaredRoute, { readonly function: F }>['id'];

export type TableName = 'core' | 'audit' | 'ephemeral';
export type QueueName = 'drip-steps' | 'ai-calls' | 'score-recompute' | 'email-sends' | 'email-events';

/** A route; `Id` and `Fn` are literals for the declared ones (see {@link DeclaredRoute}). */
export interface RouteDeclaration<Id extends string = string, Fn extends FunctionName = FunctionName> {
  /** Stable operation id; the function's router dispatches on it. */
  readonly id: Id;
  readonly method: HttpMethod;
  /** API Gateway path syntax: `/api/contacts/{id}`; `{proxy+}` is not used. */
  readonly path: string;
  readonly function: Fn;
  readonly auth: AuthMode;
  /** Whether the double-submit CSRF check applies (state-changing cookie routes). */
  readonly csrf: boolean;
  readonly rateTier: RateTier;
  /**
   * `resource:action` the caller needs in the workspace: the edge resolves the workspace, checks
   * membership (else 404) and this permission (else 403) before the operation runs. Absent for
   * public routes, account-level ones (the person's own: API keys refused) and `anyMember` ones.
   */
  readonly permission?: Permission;
  /**
   * A workspace route open to every member (non-members 404), for a use case whose rules a role
   * cannot express, so the use case decides from the caller's permissions and the record (revoking
   * an API key: its creator, signed in, or `api-keys:revoke`). Its own refusal is 403
   * `PERMISSION_DENIED`, as the edge's would be. Never together with `permission`.
   */
  readonly anyMember?: true;
  /**
   * Body size limit in bytes when a route needs a limit other than the default 1 MB (shared/http/parse-request.ts
   * `MAX_BODY_BYTES`). At most `MAX_INVOCABLE_BODY_BYTES` (shared/http/lambda-event-size.ts), so the
   * request always reaches the function and a larger one gets our 413.
   */
  readonly maxBodyBytes?: number;
  /**
   * The media types the body may have; anything else is a 415 that names these. Absent: JSON
   * only (`application/json`, `+json` types, or no Content-Type at all). A JSON body reaches
   * the operation parsed; a `multipart/form-data` one as the urlencoded form of its text fields
   * (shared/http/multipart-form.ts); every other type as the raw string (CSV import, RFC 8058
   * one-click forms). With `*\/*` nothing is refused for its type: a body of any other type, or
   * one without a Content-Type that is not JSON, reaches the operation as no body (`undefined`).
   */
  readonly bodyTypes?: readonly BodyMediaType[];
  /**
   * The route hands out access that acts for the workspace (an API key, an invitation, a webhook
   * token): only a caller whose email address is verified, else 403 `EMAIL_NOT_VERIFIED`
   * (docs/IDENTITY.md, "unverified accounts hand out nothing"), and only with a session: API keys
   * get 403 `API_KEY_NOT_ALLOWED`, so nothing a leaked key hands out outlives its revocation.
   * Checked by the authentication edge middleware on the profile it reads with the credential: no
   * read of its own.
   */
  readonly handsOutAccess?: true;
  /**
   * What the route does would outlive the API key that did it, though it hands out no credential
   * that acts in the workspace: it widens what members may do (a member's role, a custom role's permissions) or mints a
   * secret (a campaign's signing secret). Only with a session: API keys get 403
   * `API_KEY_NOT_ALLOWED`, so revoking a leaked key leaves none of it behind. No email check: a
   * role change reaches only members, each let in by a verified inviter (an unverified account's
   * own workspace holds no one else), and a signing secret lets no one in (docs/IDENTITY.md, "Keys
   * hand out nothing"). `handsOutAccess` implies it. Every route of either kind is listed in
   * test/unit/http/r20s1-fix-session-only-routes.test.ts.
   */
  readonly sessionOnly?: true;
  /**
   * The route mails people other than the caller, or sets mail going (a one-off send, a broadcast,
   * publishing, resuming or enrolling into a campaign, a launch's resume, a failed enrolment's
   * retry): only a caller whose email address is verified, else 403 `EMAIL_NOT_VERIFIED`
   * (docs/IDENTITY.md, "unverified accounts mail no one"). Every workspace's mail leaves through
   * one sending account whose reputation all of them share: an address nobody has proved must not
   * buy a spammer that account. API keys may call these routes (their creator was verified to make
   * them). Checked by the authentication edge on the profile it reads with the credential: no read
   * of its own. Every such route is listed in test/unit/http/hands-out-access.test.ts.
   */
  readonly sendsMail?: true;
  readonly summary: string;
}

/** How a function may use a table. `append` = put only (no update, no delete). */
export type TableAccess = 'read' | 'readWrite' | 'append' | 'describe';
/** How a function may use a queue. */
export type QueueAccess = 'send' | 'describe';

/** A function; the declarations in index.ts are checked against `FunctionDeclaration<string>`. */
export interface FunctionDeclaration<Name extends string = FunctionName> {
  readonly name: Name;
  /** Entry file relative to the repository root. */
  readonly entry: string;
  readonly description: string;
  readonly kind: 'http' | 'queue' | 'schedule' | 'task';
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly tables: Readonly<Partial<Record<TableName, TableAccess>>>;
  readonly queues: Readonly<Partial<Record<QueueName, QueueAccess>>>;
  /** SES use: `send` = SendEmail through the configuration set; `describe` = GetAccount. */
  readonly ses?: 'send' | 'describe';
  /** Whether the function reads the SES account's send quota (GetAccount) to pace its sends. */
  readonly readsSendQuota?: boolean;
  /** Whether the function encrypts secret settings (KMS in the cloud, a local key file locally). */
  readonly encryptsSecrets?: boolean;
  /** Whether the function publishes domain events (EventBridge in the cloud, the local bus locally). */
  readonly publishesEvents?: boolean;
  /** Whether the function may start the campaign state machine. */
  readonly startsStateMachine?: boolean;
  /** Whether the function sets campaign step timers (EventBridge Scheduler one-time schedules onto drip-steps). */
  readonly setsStepTimers?: boolean;
  /** Whether the function seals or opens link tokens (unsubscribe, tracking): it gets TRACKING_KEY. */
  readonly sealsLinkTokens?: boolean;
  /**
   * Provider credentials the function reads (shared/adapters/provider-secrets.ts): in the cloud
   * each is a Secrets Manager secret it may GetSecretValue on, read at run time; locally the
   * plain variable (`providerSecretVariables` in index.ts).
   */
  readonly readsProviderSecrets?: readonly ProviderSecretName[];
}

/**
 * Third-party credentials: the Resend API key, the SMTP relay URL, the Resend webhook signing
 * secret, the AI providers' keys, and the Sentry DSN (granted to the HTTP functions by
 * lib/cdk/sentry.ts when Sentry is on, not declared per function).
 */
export type ProviderSecretName =
  | 'resend-api-key'
  | 'smtp-url'
  | 'resend-webhook-secret'
  | 'anthropic-api-key'
  | 'openrouter-api-key'
  | 'sentry-dsn';

export interface KeyAttribute {
  readonly name: string;
  readonly type: 'S' | 'N';
}

export interface IndexDeclaration {
  readonly name: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
}

export interface TableDeclaration {
  readonly name: TableName;
  readonly description: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly globalIndexes: readonly IndexDeclaration[];
  /** Epoch-seconds attribute DynamoDB TTL deletes by (filled locally by a sweeper). */
  readonly ttlAttribute?: string;
}

export interface QueueDeclaration {
  readonly name: QueueName;
  readonly description: string;
  readonly consumer: FunctionName;
  readonly batchSize: number;
  /** Must exceed the consumer's timeout (AWS recommends 6x for Lambda event sources). */
  readonly visibilityTimeoutSeconds: number;
  /** Receives before a message moves to the dead-letter queue. */
  readonly maxReceiveCount: number;
  /** Most concurrent consumer invocations the event source runs (2-1000); unset: Lambda's own scaling. */
  readonly maxConcurrency?: number;
  readonly retentionDays: number;
  readonly dlqRetentionDays: number;
}

export interface ScheduleDeclaration {
  readonly name: string;
  readonly description: string;
  /** EventBridge syntax: `rate(5 minutes)` or `cron(0/5 * * * ? *)` (UTC). */
  readonly expression: string;
  readonly target: FunctionName;
  /** Constant input delivered as the event's `detail`. */
  readonly detail: Readonly<Record<string, unknown>>;
}

export interface StateMachineDeclaration {
  readonly name: string;
  readonly description: string;
  /** Amazon States Language file relative to the repository root. */
  readonly definitionFile: string;
  /** `${Placeholder}` in the ASL file -> the function whose ARN replaces it. */
  readonly taskFunctions: Readonly<Record<string, FunctionName>>;
}

/**
 * An EventBridge rule on a bus, delivering matching events to a declared queue. In the cloud a
 * rule with an SQS target (the queue's policy lets the rule send); locally the event bus matches
 * the same pattern and sends the event envelope to the local queue with the real SQS protocol.
 */
export interface EventRuleDeclaration {
  readonly name: string;
  readonly description: string;
  /** `default` (where AWS services such as SES publish) or the declared domain-events bus. */
  readonly bus: 'default' | 'domain-events';
  /**
   * An EventBridge event pattern, in the subset both sides implement: top-level fields and
   * `detail` fields (nested), each an array of exact values.
   */
  readonly pattern: Readonly<Record<string, unknown>>;
  /** The queue that receives each matching event's envelope as the message body. */
  readonly targetQueue: QueueName;
  /**
   * What keeps a rule on the account's `default` bus, which every stage in the account shares, to its
   * own stage's events; the CDK host adds it to `pattern` (lib/cdk/event-rules.ts) and refuses a
   * default-bus rule without it. `ses-configuration-set`: only events of the stage's own SES
   * configuration set (`detail.mail.tags["ses:configuration-set"]`). The local host runs one stage
   * and matches `pattern` alone.
   */
  readonly stageScope?: 'ses-configuration-set';
}
