// Review round 19: this test failed at d10baec.
// A campaign created without `rules.timeZone` (or whose zone a PATCH removed) got UTC: issue 13's
// fallback is the workspace's zone. Now it takes the workspace's setting `workspace.time_zone` at
// that moment (else UTC), stored on the campaign (so GET shows it and publish freezes it); an
// explicit zone wins and costs no read; a later change of the setting leaves the campaign alone.
import { describe, expect, it } from 'vitest';
import {
  type CampaignDeps,
  createCampaign,
  createCampaignBody,
  publishCampaign,
  updateCampaign,
  updateCampaignBody,
} from '../../../shared/campaigns/campaign';
import type { StoredSetting } from '../../../shared/governance/ports';
import { memoryCampaigns } from './campaign-world';

const WS = 'ws-zone';
const KEY = 'workspace.time_zone';
const JOURNEY = {
  nodes: [
    { id: 'start', kind: 'trigger', next: 'done' },
    { id: 'done', kind: 'exit' },
  ],
};

/** A workspace whose settings hold `zone` (raw JSON value) under `workspace.time_zone`; reads counted. */
function world(zone?: unknown) {
  let ids = 0;
  const reads: string[] = [];
  let value = zone;
  const settings = {
    async get(workspaceId: string | undefined, key: string): Promise<StoredSetting | undefined> {
      reads.push(`${workspaceId ?? '*'}|${key}`);
      if (workspaceId !== WS || key !== KEY || value === undefined) return undefined;
      return { key, scope: 'workspace', isSecret: false, valueJson: JSON.stringify(value), updatedAt: '' };
    },
  };
  const campaigns = memoryCampaigns();
  const deps = {
    campaigns,
    now: () => new Date('2026-06-01T08:00:00Z'),
    realNow: () => new Date('2026-06-01T08:00:00Z'),
    newId: () => `c${++ids}`,
    settings,
  } as CampaignDeps;
  return {
    deps,
    campaigns,
    reads,
    setZone: (z: unknown) => {
      value = z;
    },
    create: (body: Record<string, unknown> = {}) =>
      createCampaign(WS, 'u1', createCampaignBody.parse({ name: 'C', journey: JOURNEY, ...body }), deps),
    patch: (id: string, body: Record<string, unknown>) => updateCampaign(WS, id, updateCampaignBody.parse(body), deps),
  };
}

describe("a campaign's time zone defaults to the workspace's", () => {
  it('takes the workspace zone when created without one, in one settings read', async () => {
    const w = world('Europe/Berlin');
    const created = await w.create();
    expect(created.rules.timeZone).toBe('Europe/Berlin');
    expect(w.reads).toEqual([`${WS}|${KEY}`]);
    // Stored: GET shows it.
    expect((await w.deps.campaigns.get(WS, created.campaignId))?.rules.timeZone).toBe('Europe/Berlin');
  });

  it('also with other rules given but no zone', async () => {
    const w = world('Asia/Tokyo');
    const created = await w.create({ rules: { reentry: { mode: 'always' } } });
    expect(created.rules).toEqual({ timeZone: 'Asia/Tokyo', reentry: { mode: 'always' } });
  });

  it('keeps an explicit zone, reading no setting', async () => {
    const w = world('Europe/Berlin');
    const created = await w.create({ rules: { timeZone: 'America/Chicago' } });
    expect(created.rules.timeZone).toBe('America/Chicago');
    expect(w.reads).toEqual([]);
  });

  it('is UTC when the workspace has no zone, or one that is no zone (stored by hand)', async () => {
    expect((await world().create()).rules.timeZone).toBe('UTC');
    expect((await world('Mars/Base').create()).rules.timeZone).toBe('UTC');
    expect((await world(42).create()).rules.timeZone).toBe('UTC');
  });

  it('works without a settings store (UTC)', async () => {
    const w = world('Europe/Berlin');
    const { settings: _unused, ...bare } = w.deps as CampaignDeps & { settings?: unknown };
    const created = await createCampaign(WS, 'u1', createCampaignBody.parse({ name: 'C', journey: JOURNEY }), bare);
    expect(created.rules.timeZone).toBe('UTC');
  });

  it('is frozen: a later change of the setting changes neither the draft nor the published version', async () => {
    const w = world('Europe/Berlin');
    const created = await w.create();
    await publishCampaign(WS, created.campaignId, w.deps, async (j) => j);
    w.setZone('Asia/Tokyo');
    const renamed = await w.patch(created.campaignId, { name: 'Renamed' });
    expect(renamed.rules.timeZone).toBe('Europe/Berlin');
    const edited = await w.patch(created.campaignId, { rules: { reentry: { mode: 'always' } } });
    expect(edited.rules.timeZone).toBe('Europe/Berlin');
    expect(w.campaigns.versions.get(`${WS}/${created.campaignId}/1`)?.rules.timeZone).toBe('Europe/Berlin');
    // Only the create read the setting: edits that keep the zone read nothing.
    expect(w.reads).toEqual([`${WS}|${KEY}`]);
  });

  it("a PATCH that removes the zone (null) takes the workspace's zone now, else UTC", async () => {
    const w = world();
    const created = await w.create({ rules: { timeZone: 'America/Chicago' } });
    w.setZone('Australia/Sydney');
    const reset = await w.patch(created.campaignId, { rules: { timeZone: null } });
    expect(reset.rules.timeZone).toBe('Australia/Sydney');
    expect(w.reads).toEqual([`${WS}|${KEY}`]);
    w.setZone(undefined);
    const again = await w.patch(created.campaignId, { rules: { timeZone: 'Europe/Rome' } });
    expect(again.rules.timeZone).toBe('Europe/Rome');
    expect((await w.patch(created.campaignId, { rules: { timeZone: null } })).rules.timeZone).toBe('UTC');
  });

  it("a schedule trigger keeps no zone of its own: its cron reads the campaign's (here the workspace's)", async () => {
    const w = world('Asia/Tokyo');
    const created = await w.create({
      journey: {
        nodes: [
          { id: 'start', kind: 'trigger', on: { type: 'schedule', cron: '0 9 * * ? *' }, next: 'done' },
          { id: 'done', kind: 'exit' },
        ],
      },
    });
    expect(created.rules.timeZone).toBe('Asia/Tokyo');
    const trigger = created.journey.nodes.find((n) => n.kind === 'trigger') as { on?: { timeZone?: string } };
    expect(trigger.on?.timeZone).toBeUndefined();
  });
});
