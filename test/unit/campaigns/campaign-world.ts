/**
 * An in-memory world for the campaign use cases: the ports as small maps with the same
 * conditional semantics as the DynamoDB adapters, a controllable clock, and a timer list a
 * test drains as time moves; and the campaign store alone (`memoryCampaigns`) for the use cases
 * that read and write campaign records (create, edit, publish, AI copy approval).
 */

import type { Campaign, CampaignStore } from '../../../shared/campaigns/campaign';
import type { CampaignRules, EnrolmentState, PublishedVersion } from '../../../shared/campaigns/enrolment';
import { type Journey, journey as journeySchema } from '../../../shared/campaigns/journey';
import type { StepMessage } from '../../../shared/campaigns/messages';
import type { ContactSnapshot, StepDeps, TimelineEntry } from '../../../shared/campaigns/ports';
import { runStep, type StepOutcome } from '../../../shared/campaigns/run-step';
import type { SuppressionReason } from '../../../shared/email/suppression-rules';
import type { AbAttribution } from '../../../shared/email/tracking-token';

export const WS = 'ws1';
export const CAMPAIGN = 'cmp1';

export function campaignWorld(journeyInput: unknown, rules: Partial<CampaignRules> = {}) {
  let nowMs = Date.parse('2026-12-07T10:00:00Z'); // a Monday
  const journey: Journey = journeySchema.parse(journeyInput);
  const published: PublishedVersion = {
    workspaceId: WS,
    campaignId: CAMPAIGN,
    version: 1,
    journey,
    rules: { timeZone: 'UTC', reentry: { mode: 'never' }, ...rules },
  };
  let status: 'draft' | 'active' | 'paused' | 'archived' = 'active';
  const enrolments = new Map<string, EnrolmentState>();
  /** The launch ids claimed as they left an enrolment's recent list (`<campaign>#<contact>#<launch>`). */
  const launchClaims = new Set<string>();
  const counters = new Map<string, number>();
  const contacts = new Map<string, ContactSnapshot>();
  const timelines = new Map<string, TimelineEntry[]>();
  const suppressed = new Map<string, SuppressionReason[]>();
  const capLocks = new Set<string>();
  /** Templates by id that are transactional (any other is marketing). */
  const transactionalTemplates = new Set<string>();
  const sends = new Map<
    string,
    {
      key: string;
      contactId: string;
      nodeId: string;
      subject?: string;
      ab?: AbAttribution;
      at: number;
      marketing: boolean;
    }
  >();
  const actions: { key: string; type: string; contactId: string }[] = [];
  const timers: { message: StepMessage; dueAt: number }[] = [];
  const failures = { count: 0 };
  const timelineReads = { count: 0 };
  const key = (c: string) => `${CAMPAIGN}#${c}`;

  const deps: StepDeps = {
    versions: {
      async load(_ws, _c, version) {
        return version === undefined || version === 1 ? { status, published } : { status };
      },
    },
    enrolments: {
      async get(_ws, _c, contactId) {
        return enrolments.get(key(contactId));
      },
      async save(next, expectedStep, deltas, condition) {
        const current = enrolments.get(key(next.contactId));
        if (expectedStep === undefined ? current !== undefined : current?.step !== expectedStep) return false;
        // Like the adapter's ConditionCheck on the campaign item.
        if (condition?.whileCampaignHeld && status !== 'paused' && status !== 'draft') return false;
        enrolments.set(key(next.contactId), structuredClone(next));
        for (const [k, v] of Object.entries(deltas)) counters.set(k, (counters.get(k) ?? 0) + v);
        return true;
      },
      async claimLaunches(_ws, _c, contactId, launchIds) {
        for (const launchId of launchIds) launchClaims.add(`${key(contactId)}#${launchId}`);
      },
      async launchClaimed(_ws, _c, contactId, launchId) {
        return launchClaims.has(`${key(contactId)}#${launchId}`);
      },
    },
    contacts: {
      async snapshot(_ws, contactId) {
        return contacts.get(contactId);
      },
      async timelineSince(_ws, contactId, since) {
        timelineReads.count += 1;
        return (timelines.get(contactId) ?? []).filter((i) => Date.parse(i.occurredAt) >= since.getTime());
      },
    },
    suppressions: {
      async reasonsFor(_ws, email) {
        return suppressed.get(email) ?? [];
      },
    },
    mailer: {
      async send(input) {
        // Like the send ledger: one send per key, whatever the replays.
        if (!sends.has(input.idempotencyKey)) {
          sends.set(input.idempotencyKey, {
            key: input.idempotencyKey,
            contactId: input.contact.contactId,
            nodeId: input.nodeId,
            ...(input.subject ? { subject: input.subject } : {}),
            ...(input.ab ? { ab: input.ab } : {}),
            at: nowMs,
            marketing: !transactionalTemplates.has(input.templateId),
          });
        }
        return { sendId: `send-${input.idempotencyKey}` };
      },
      // Like the send log: only marketing sends are logged for the cap.
      async recentMarketingSends(_ws, contactId, sinceMs, exceptKey) {
        return [...sends.values()]
          .filter((s) => s.marketing && s.contactId === contactId && s.at >= sinceMs && s.key !== exceptKey)
          .map((s) => s.at);
      },
      async templateOf(_ws, templateId) {
        return { category: transactionalTemplates.has(templateId) ? 'transactional' : 'marketing' };
      },
      // Like the send log: the send of a key, once queued; only marketing sends are logged.
      async queued(_ws, _contactId, key) {
        return sends.get(key)?.marketing ? { sendId: `send-${key}` } : undefined;
      },
      async capLock(_ws, contactId) {
        if (capLocks.has(contactId)) return undefined;
        capLocks.add(contactId);
        return async () => void capLocks.delete(contactId);
      },
    },
    actions: {
      async perform(action, target) {
        if (actions.some((a) => a.key === target.idempotencyKey)) return;
        actions.push({ key: target.idempotencyKey, type: action.type, contactId: target.contactId });
        if (action.type === 'add-tag') {
          const c = contacts.get(target.contactId);
          if (c) contacts.set(target.contactId, { ...c, tags: [...c.tags, action.tag] });
        }
      },
    },
    timers: {
      async set(message, dueAt) {
        timers.push({ message, dueAt: dueAt.getTime() });
      },
    },
    now: () => new Date(nowMs),
    metrics: {
      enrolmentFailed: () => {
        failures.count += 1;
      },
    },
  };

  return {
    deps,
    published,
    enrolments,
    counters,
    contacts,
    timelines,
    suppressed,
    sends,
    transactionalTemplates,
    actions,
    timers,
    failures,
    /** How many timeline reads the steps made. */
    timelineReads,
    setStatus(s: typeof status) {
      status = s;
    },
    now: () => nowMs,
    addContact(id: string, extra: Partial<ContactSnapshot> = {}) {
      contacts.set(id, {
        contactId: id,
        email: `${id}@example.com`,
        deleted: false,
        fields: {},
        tags: [],
        score: 0,
        tier: 'cold',
        // As the store keeps it: none until an interaction is recorded (see `interact`).
        lastInteractionAt: null,
        ...extra,
      });
    },
    /** Records an interaction now; like the store, the contact's `lastInteractionAt` moves with it. */
    interact(contactId: string, type: TimelineEntry['type'], metadata: Record<string, unknown> = {}) {
      const list = timelines.get(contactId) ?? [];
      const occurredAt = new Date(nowMs).toISOString();
      list.push({ type, occurredAt, metadata });
      timelines.set(contactId, list);
      const contact = contacts.get(contactId);
      if (contact && (!contact.lastInteractionAt || contact.lastInteractionAt < occurredAt)) {
        contacts.set(contactId, { ...contact, lastInteractionAt: occurredAt });
      }
    },
    /** Moves the clock to `toMs`, firing every timer due on the way (in due order), each once. */
    async advanceTo(toMs: number): Promise<StepOutcome[]> {
      const outcomes: StepOutcome[] = [];
      for (;;) {
        timers.sort((a, b) => a.dueAt - b.dueAt);
        const next = timers[0];
        if (!next || next.dueAt > toMs) break;
        timers.shift();
        nowMs = Math.max(nowMs, next.dueAt);
        outcomes.push(await runStep(next.message, deps));
      }
      nowMs = toMs;
      return outcomes;
    },
  };
}

export const DAY = 86_400_000;

/** The acceptance journey of issue 13: welcome, wait 2 days, opened? A : B, goal (tag customer, 7 days), exit. */
export const ACCEPTANCE_JOURNEY = {
  nodes: [
    { id: 'start', kind: 'trigger', next: 'welcome' },
    { id: 'welcome', kind: 'email', templateId: 't-welcome', next: 'wait' },
    { id: 'wait', kind: 'wait', for: { type: 'duration', duration: { days: 2 } }, next: 'opened' },
    {
      id: 'opened',
      kind: 'condition',
      if: { type: 'email-activity', node: 'welcome', activity: 'opened' },
      yes: 'a',
      no: 'b',
    },
    { id: 'a', kind: 'email', templateId: 't-a', next: 'goal' },
    { id: 'b', kind: 'email', templateId: 't-b', next: 'goal' },
    { id: 'goal', kind: 'goal', if: { type: 'tag', tag: 'customer' }, within: { days: 7 }, next: 'done' },
    { id: 'done', kind: 'exit' },
  ],
} as const;

/**
 * A goal "tagged customer within a day": met -> the `thanks` mail, timed out -> the mail named
 * `timeoutMail`; both then exit.
 */
export const goalThenMail = (timeoutMail: string) => ({
  nodes: [
    { id: 'start', kind: 'trigger', next: 'g' },
    {
      id: 'g',
      kind: 'goal',
      if: { type: 'tag', tag: 'customer' },
      within: { days: 1 },
      next: 'thanks',
      timeoutNext: timeoutMail,
    },
    { id: 'thanks', kind: 'email', templateId: 't-thanks', next: 'end' },
    { id: timeoutMail, kind: 'email', templateId: `t-${timeoutMail}`, next: 'end' },
    { id: 'end', kind: 'exit' },
  ],
});

/**
 * How a campaign write goes: it loses to a concurrent write (`refuse`: false), throws before it
 * lands (`before-write`), or lands and throws all the same, its answer lost (`after-write`).
 */
export type CampaignWriteFault = 'refuse' | 'before-write' | 'after-write' | undefined;

export interface MemoryCampaigns extends CampaignStore {
  /** What publish froze, by `<ws>/<campaign>/<version>`. */
  readonly versions: Map<string, PublishedVersion>;
  /** The writes that landed. */
  readonly replaces: number;
  refuseNext(): void;
  raceOnNextRead(): void;
}

/**
 * The campaign store as a map, with the adapter's conditional write (only while the stored
 * revision is `next.revision - 1`) and the versions publish freezes. `nextFault` is asked at every
 * write; `refuseNext()` makes the next write lose; `raceOnNextRead()` lets a concurrent PATCH (a
 * rename: the revision moves on) land right after the next read.
 */
export function memoryCampaigns(nextFault: () => CampaignWriteFault = () => undefined): MemoryCampaigns {
  const byId = new Map<string, Campaign>();
  const versions = new Map<string, PublishedVersion>();
  const key = (ws: string, id: string) => `${ws}/${id}`;
  let replaces = 0;
  let refuse = false;
  let race = false;
  const replace = async (next: Campaign): Promise<boolean> => {
    const fault = refuse ? 'refuse' : nextFault();
    refuse = false;
    if (fault === 'refuse') return false;
    if (fault === 'before-write') throw new Error('ProvisionedThroughputExceededException');
    const k = key(next.workspaceId, next.campaignId);
    if (byId.get(k)?.revision !== next.revision - 1) return false;
    replaces += 1;
    byId.set(k, structuredClone(next));
    if (fault === 'after-write') throw new Error('TimeoutError');
    return true;
  };
  return {
    versions,
    get replaces() {
      return replaces;
    },
    refuseNext: () => {
      refuse = true;
    },
    raceOnNextRead: () => {
      race = true;
    },
    async get(ws, id) {
      const found = structuredClone(byId.get(key(ws, id)));
      if (race && found) {
        race = false;
        byId.set(key(ws, id), { ...found, name: 'Renamed meanwhile', revision: found.revision + 1 });
      }
      return found;
    },
    list: async () => ({ campaigns: [...byId.values()] }),
    create: async (c) => void byId.set(key(c.workspaceId, c.campaignId), structuredClone(c)),
    replace,
    async publish(next, version) {
      if (!(await replace(next))) return false;
      versions.set(`${version.workspaceId}/${version.campaignId}/${version.version}`, structuredClone(version));
      return true;
    },
    version: async (ws, id, v) => structuredClone(versions.get(`${ws}/${id}/${v}`)),
  };
}
