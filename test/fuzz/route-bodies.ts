/**
 * A body every state-changing route accepts, and where its hostile values go. The route
 * schemas live inside the functions (not importable without their tables and clients), so
 * the fuzz suite keeps this table instead; route-bodies.test.ts fails when a declared
 * state-changing route has no entry, when a sample stops matching an exported schema, or
 * when an exported schema gains a numeric field the sample does not carry.
 *
 * The fuzzer starts from the sample (so a request gets past validation and reaches the
 * stores) and changes one thing: any leaf to an extreme number (numeric leaves most
 * often), an extreme number or a nested document into a free-form record, an over-long id
 * into an id field, CR/LF into text that reaches an email.
 */
import { DEFAULT_SCORING_RULES } from '../../shared/crm/scoring/rules';

/** Values the run knows after its set-up (the signed-in owner and its workspace). */
export interface Known {
  readonly email: string;
  readonly password: string;
  readonly userId: string;
  readonly organizationId: string;
  /** An account only the log-in route is fuzzed against (its throttle may lock it). */
  readonly loginEmail: string;
  readonly loginPassword: string;
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Path = readonly (string | number)[];

export interface BodySpec {
  /** A body the route accepts; absent when the route takes none. `{{unique}}` is replaced per request. */
  readonly sample?: (known: Known) => Json;
  /** `text/csv` bodies are built by the CSV mutator instead. */
  readonly contentType?: 'application/json' | 'text/csv';
  /** Numeric fields the sample leaves out (optional ones whose sample value would refuse the rest). */
  readonly numbers?: readonly Path[];
  /** Records that take any key: extra keys with extreme numbers and nested documents go here. */
  readonly freeForm?: readonly Path[];
  /** Ids (and id-like names) inside the body: over-long and malformed ids go here. */
  readonly ids?: readonly Path[];
  /** Text that ends up in an email (subject, recipient, greeting): CR/LF goes here. */
  readonly mailed?: readonly Path[];
}

const token43 = 'k'.repeat(43);

/** A marketing template that passes the lint (unsubscribe link and postal address). */
const FUZZ_TEMPLATE = {
  name: 'Fuzz newsletter',
  category: 'marketing',
  subject: 'News for {{ contact.firstName | default: "you" }}',
  html: '<p>Hi</p><a href="{{ unsubscribe_url }}">Unsubscribe</a><p>{{ workspace.postalAddress }}</p>',
  topic: 'news',
};

export const ROUTE_BODIES: Readonly<Record<string, BodySpec>> = {
  'auth.signup': {
    sample: () => ({
      email: 'fuzz-{{unique}}@example.com',
      password: 'a sturdy fuzzing passphrase',
      name: 'Fuzz',
      organizationName: 'Fuzz org',
    }),
    mailed: [['email'], ['name'], ['organizationName']],
  },
  'auth.login': {
    sample: (k) => ({ email: k.loginEmail, password: k.loginPassword }),
    ids: [['email']],
  },
  'auth.logout': {},
  'auth.verify-email': { sample: () => ({ token: token43 }), ids: [['token']] },
  'auth.reset-request': { sample: (k) => ({ email: k.email }), mailed: [['email']] },
  'auth.reset-confirm': {
    sample: () => ({ token: token43, password: 'another sturdy passphrase' }),
    ids: [['token']],
  },
  'sessions.revoke': {},
  'devices.forget': {},
  'api-keys.create': {
    sample: () => ({ name: 'fuzz key', scopes: ['contacts:read'] }),
    ids: [['name'], ['scopes', 0]],
  },
  'api-keys.revoke': {},
  'alerts.acknowledge': {},
  'alerts.resolve': {},
  'settings.put': {
    sample: () => ({ value: { plan: 'pro', seats: 3, ratio: 0.5, list: [1, 'two', true], nested: { n: 7 } } }),
    freeForm: [['value'], ['value', 'nested']],
  },
  'settings.delete': {},
  'workspaces.create': {
    sample: (k) => ({ name: 'Fuzz workspace', organizationId: k.organizationId }),
    ids: [['organizationId']],
    mailed: [['name']],
  },
  'workspaces.update': { sample: () => ({ name: 'Fuzz workspace' }), mailed: [['name']] },
  'members.update': { sample: () => ({ role: 'member' }), ids: [['role']] },
  'members.remove': {},
  'invites.create': {
    sample: () => ({ email: 'invitee-{{unique}}@example.com', role: 'member' }),
    ids: [['role']],
    mailed: [['email']],
  },
  'invites.revoke': {},
  'invites.accept': { sample: () => ({ token: token43 }), ids: [['token']] },
  'roles.put': { sample: () => ({ permissions: ['contacts:read'] }), ids: [['permissions', 0]] },
  'roles.delete': {},
  'contacts.create': {
    sample: (k) => ({
      email: 'contact-{{unique}}@example.com',
      firstName: 'Ada',
      lastName: 'Lovelace',
      phone: '+61412345678',
      company: 'Analytical Engines',
      jobTitle: 'Founder',
      status: 'lead',
      tags: ['vip'],
      customFields: { plan: 'pro', seats: 3, ratio: 0.25, active: true },
      ownerUserId: k.userId,
    }),
    freeForm: [['customFields']],
    ids: [['ownerUserId'], ['tags', 0]],
  },
  'contacts.import': {
    contentType: 'text/csv',
  },
  'contacts.update': {
    sample: () => ({ firstName: 'Ada', tags: ['vip', 'b'], customFields: { seats: 4, ratio: 0.5 } }),
    freeForm: [['customFields']],
  },
  'contacts.delete': {},
  'contacts.restore': {},
  'interactions.create': {
    // The client's own id makes the request idempotent: every fuzzed request goes through the key's claim.
    sample: () => ({
      type: 'email_opened',
      interactionId: 'fuzz-{{unique}}',
      metadata: { campaign: 'spring', count: 2, weight: 0.75, tags: [1, 2.5, 'x'], nested: { depth: 1 } },
    }),
    freeForm: [['metadata'], ['metadata', 'nested']],
    ids: [['metadata', 'campaign'], ['interactionId']],
  },
  'emails.send': {
    // Each fuzzed request is a new send (no Idempotency-Key): it reaches the queue and the sender.
    sample: () => ({
      to: 'fuzz-{{unique}}@example.com',
      subject: 'Fuzzed hello',
      html: '<p>Hello {{ contact.email }}</p>',
      category: 'transactional',
    }),
    // `version` belongs to the template form of the body (`{templateId, version?}`).
    numbers: [['version']],
    mailed: [['to'], ['subject']],
  },
  'email-templates.create': { sample: () => FUZZ_TEMPLATE, ids: [['topic']], mailed: [['subject'], ['name']] },
  'email-templates.update': {
    // No expectedVersion in the sample: after the first save it would answer 409 before the store.
    sample: () => FUZZ_TEMPLATE,
    numbers: [['expectedVersion']],
    ids: [['topic']],
    mailed: [['subject'], ['name']],
  },
  'email-templates.delete': {},
  'email-templates.preview': {
    sample: () => ({ contact: { firstName: 'Ada', email: 'ada@example.com', seats: 3 } }),
    numbers: [['version']],
    freeForm: [['contact']],
  },
  'email-templates.send': {
    sample: () => ({ audience: { tag: 'fuzz-{{unique}}' } }),
    numbers: [['version']],
    ids: [['audience', 'tag']],
  },
  // RFC 8058's body is form-encoded (`List-Unsubscribe=One-Click`); any JSON or none is honoured alike.
  'unsubscribe.confirm': { sample: () => ({ 'List-Unsubscribe': 'One-Click' }) },
  // Takes no body; an empty object is tolerated.
  'email-sending.resume': { sample: () => ({}) },
  // Unsigned, so the fuzzer's requests are all 401 (nothing queued); the body is any JSON.
  'hooks.resend': {
    sample: () => ({
      type: 'email.bounced',
      created_at: '2026-12-04T08:00:00.000Z',
      data: { email_id: 'fuzz-{{unique}}', to: ['bounced@resend.dev'], tags: [{ name: 'workspace', value: 'w' }] },
    }),
    freeForm: [['data']],
    ids: [['data', 'email_id']],
  },
  'campaigns.create': {
    sample: () =>
      ({
        name: 'Fuzz journey',
        journey: {
          nodes: [
            { id: 'start', kind: 'trigger', next: 'wait' },
            { id: 'wait', kind: 'wait', for: { type: 'duration', duration: { days: 1, hours: 2 } }, next: 'check' },
            { id: 'check', kind: 'condition', if: { type: 'score', min: 50 }, yes: 'tag', no: 'done' },
            { id: 'tag', kind: 'action', action: { type: 'add-tag', tag: 'fuzzed' }, next: 'done' },
            { id: 'done', kind: 'exit' },
          ],
        },
        rules: { timeZone: 'Europe/Berlin', frequencyCap: { max: 3, per: 'week' } },
      }) as Json,
    ids: [
      ['journey', 'nodes', 0, 'id'],
      ['journey', 'nodes', 0, 'next'],
      ['rules', 'timeZone'],
    ],
  },
  'campaigns.update': { sample: () => ({ name: 'Fuzz journey, renamed' }) },
  'campaigns.delete': {},
  'campaigns.publish': {},
  'campaigns.pause': {},
  'campaigns.resume': {},
  'campaigns.archive': {},
  'campaigns.enrol': { sample: () => ({ filter: { tag: 'fuzz-{{unique}}', minScore: 10 } }), ids: [['filter', 'tag']] },
  'campaigns.exit': {},
  'campaigns.retry': {},
  'campaigns.launch-resume': {},
  // A split's arm, or `{ variant: n }` for an email node's subject lines (the union refuses both at once).
  'campaigns.promote': { sample: () => ({ arm: 'a' }), ids: [['arm']], numbers: [['variant']] },
  'campaigns.unpromote': {},
  // AI copy: a draft takes no body (the node's aiCopy is the request; the fuzz runtime answers
  // offline, so it is a 409 AI_OFFLINE); an approval may carry the person's edits.
  'campaigns.ai-drafts.create': {},
  'campaigns.ai-drafts.approve': {
    sample: () => ({ subjectVariants: ['Spring news', 'Your spring preview'], html: FUZZ_TEMPLATE.html }),
    mailed: [['subjectVariants', 0]],
  },
  // Takes no body: it answers a new token.
  'campaigns.webhook-token': { sample: () => ({}) },
  'campaigns.signing-secret': { sample: () => ({}) },
  // The path's token is a probe, so every request is a 404 before the body is read.
  'hooks.campaign': { sample: () => ({ email: 'fuzz-{{unique}}@example.com' }), mailed: [['email']] },
  'scoring-rules.put': {
    // No expectedVersion in the sample: after the first PUT it would answer 409 before the store.
    sample: () => JSON.parse(JSON.stringify({ rules: DEFAULT_SCORING_RULES })) as Json,
    numbers: [['expectedVersion']],
    freeForm: [['rules', 'weights']],
    ids: [
      ['rules', 'interactionRules', 0, 'id'],
      ['rules', 'interactionRules', 0, 'group'],
      ['rules', 'profileRules', 0, 'field'],
    ],
  },
  // AI: queued calls (idempotent by clientKey) and previews; the fuzz runtime answers offline.
  'ai.calls.create': {
    sample: () => ({
      agent: 'email-intent',
      input: { from: 'fuzz@example.com', subject: 'Fuzz', body: 'Can we meet on Tuesday?' },
      clientKey: 'fuzz-{{unique}}',
    }),
    ids: [['clientKey']],
  },
  'ai.preview': {
    sample: () => ({ agent: 'email-intent', input: { subject: 'Fuzz', body: 'Can we meet on Tuesday?' } }),
  },
};

/** Every leaf of a JSON value with its path (numbers, strings, booleans, nulls). */
export function leaves(value: Json, path: Path = []): Array<{ path: Path; value: Json }> {
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, [...path, i]));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]));
  }
  return [{ path, value }];
}

/** A copy of `value` with the node at `path` replaced (or added, when the parent is an object). */
export function setAt(value: Json, path: Path, replacement: Json): Json {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...value];
    copy[head as number] = setAt(copy[head as number] ?? null, rest, replacement);
    return copy;
  }
  const object = value !== null && typeof value === 'object' ? value : {};
  return { ...object, [head as string]: setAt(object[head as string] ?? {}, rest, replacement) };
}

/** The node at `path`, if any. */
export function getAt(value: Json, path: Path): Json | undefined {
  let node: Json | undefined = value;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, Json>)[key];
  }
  return node;
}
