// Review round 19: this test failed at d10baec.
/**
 * A broadcast of a template marked `transactional` went to every contact, unsubscribed ones too,
 * with no unsubscribe link or postal address, and ignored the reputation auto-pause: the category
 * of one-off mail (a receipt to one person) applied to bulk mail. A broadcast is bulk mail by nature:
 * `startBroadcast` refuses a non-marketing template (400 `BROADCAST_NOT_MARKETING`), nothing recorded
 * or queued.
 */
import { describe, expect, it } from 'vitest';
import type { BroadcastRecord, BroadcastStore } from '../../../shared/email/broadcast';
import { sendBroadcast } from '../../../shared/email/broadcast';
import type { AudiencePageMessage, EmailSendMessage } from '../../../shared/email/send-request';
import type { TemplateRecord, TemplateStore, TemplateVersion } from '../../../shared/email/stored-templates';

const WS = 'ws-1';
const footer = '<a href="{{ unsubscribe_url }}">Unsubscribe</a>{{ workspace.postalAddress }}';

function world() {
  const versions: TemplateVersion[] = (['transactional', 'marketing'] as const).map((category) => ({
    workspaceId: WS,
    templateId: category,
    version: 1,
    name: category,
    category,
    subject: 'Hi',
    html: `<p>Hi</p>${footer}`,
    createdAt: '',
    createdBy: 'u-1',
  }));
  const templates: Pick<TemplateStore, 'get' | 'version'> = {
    get: async (ws, id) => {
      const v = versions.find((x) => ws === WS && x.templateId === id);
      return v
        ? ({
            workspaceId: WS,
            templateId: id,
            name: v.name,
            category: v.category,
            latestVersion: 1,
            createdAt: '',
            updatedAt: '',
          } satisfies TemplateRecord)
        : undefined;
    },
    version: async (ws, id, n) => versions.find((x) => ws === WS && x.templateId === id && x.version === n),
  };
  const records = new Map<string, BroadcastRecord>();
  const broadcasts: BroadcastStore = {
    create: async (r) => {
      if (records.has(r.broadcastId)) return false;
      records.set(r.broadcastId, r);
      return true;
    },
    get: async (_ws, id) => records.get(id),
    pageRecorded: async () => false,
    recordPage: async () => true,
  };
  const queued: Array<EmailSendMessage | AudiencePageMessage> = [];
  let ids = 0;
  const deps = {
    templates,
    broadcasts,
    queue: { send: async (m: EmailSendMessage | AudiencePageMessage) => void queued.push(m) },
    profile: async () => ({ name: 'Acme', postalAddress: '1 Main Street' }),
    newId: () => `b${++ids}`,
    now: () => new Date('2026-12-04T10:00:00Z'),
    idempotency: {} as never,
  };
  return { deps, records, queued };
}

const caller = { workspaceId: WS, userId: 'u-1' };
const failure = (e: { status?: number; code?: string }) => ({ status: e.status, code: e.code });

describe('a broadcast (r19d-fix)', () => {
  it('refuses a transactional template with 400, nothing recorded or queued', async () => {
    const w = world();
    const outcome = await sendBroadcast(caller, 'transactional', { audience: {} }, undefined, w.deps).catch(failure);
    expect(outcome).toEqual({ status: 400, code: 'BROADCAST_NOT_MARKETING' });
    expect({ records: w.records.size, queued: w.queued.length }).toEqual({ records: 0, queued: 0 });
  });

  it('starts a marketing one', async () => {
    const w = world();
    const started = await sendBroadcast(caller, 'marketing', { audience: {} }, undefined, w.deps);
    expect(started).toMatchObject({ status: 'queued', templateId: 'marketing' });
    expect(w.queued).toHaveLength(1);
  });
});
