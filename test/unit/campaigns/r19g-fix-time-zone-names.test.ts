// Review round 19: this test failed at 4ce0ffd.
// Zone inputs took a UTC offset ("+05:00", "-0830": Node 24's Intl takes one, Node 20's refuses it;
// no IANA zone) and stored any spelling Intl resolves as given ("utc", "europe/berlin"). Now every
// zone input (campaign rules, a schedule trigger, workspace.time_zone, a contact's field) refuses
// offsets with a 400 and stores the canonical name.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { snapshotOf } from '../../../shared/adapters/dynamo-campaign-contacts';
import { localSecretBox } from '../../../shared/adapters/secret-box';
import {
  type Campaign,
  type CampaignDeps,
  createCampaignBody,
  updateCampaign,
  updateCampaignBody,
} from '../../../shared/campaigns/campaign';
import { timeZone, zonedSendWindow } from '../../../shared/campaigns/send-window';
import { triggerOn } from '../../../shared/campaigns/trigger';
import type { Contact } from '../../../shared/crm/model';
import { ValidationError } from '../../../shared/errors';
import { putSetting, workspaceTimeZone } from '../../../shared/governance/settings';
import { callerIn, MemorySettings } from '../governance/memory-stores';

const OFFSETS = ['+05:00', '-0830', '+05', '\u221205:00', '+00:00'];
const JOURNEY = {
  nodes: [
    { id: 'start', kind: 'trigger', next: 'done' },
    { id: 'done', kind: 'exit' },
  ],
};

describe('r19g-fix: the one time zone schema', () => {
  it.each(OFFSETS)('refuses the UTC offset %s, saying why', (offset) => {
    const parsed = timeZone.safeParse(offset);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(/IANA time zone.*offset/);
  });

  it.each([
    ['utc', 'UTC'],
    ['europe/berlin', 'Europe/Berlin'],
    ['US/Pacific', 'US/Pacific'],
    ['Asia/Kolkata', 'Asia/Kolkata'],
    ['Europe/Kyiv', 'Europe/Kyiv'],
    ['Europe/Berlin', 'Europe/Berlin'],
    ['Etc/GMT+5', 'Etc/GMT+5'],
  ])("takes %s and stores %s (case corrected, an alias as written, never ICU's older name)", (given, canonical) => {
    expect(timeZone.parse(given)).toBe(canonical);
  });

  it('refuses what is no zone at all', () => {
    for (const z of ['', 'Mars/Base', 'UTC+5', 'Z', 'x'.repeat(65)]) expect(timeZone.safeParse(z).success).toBe(false);
  });
});

describe('r19g-fix: every zone input', () => {
  it("a campaign's rules: offsets refused, names stored canonical", () => {
    const body = (zone: string) =>
      createCampaignBody.safeParse({ name: 'C', journey: JOURNEY, rules: { timeZone: zone } });
    expect(body('+05:00').success).toBe(false);
    expect(body('europe/berlin').data?.rules.timeZone).toBe('Europe/Berlin');
    const patch = (zone: string) => updateCampaignBody.safeParse({ rules: { timeZone: zone } });
    expect(patch('-0830').success).toBe(false);
    expect(patch('utc').data?.rules?.timeZone).toBe('UTC');
  });

  it("a schedule trigger's zone: offsets refused, names stored canonical", () => {
    const on = (zone: string) => triggerOn.safeParse({ type: 'schedule', cron: '0 9 * * ? *', timeZone: zone });
    expect(on('+05:00').success).toBe(false);
    expect(on('us/pacific').data).toMatchObject({ timeZone: 'us/pacific' });
    expect(on('america/new_york').data).toMatchObject({ timeZone: 'America/New_York' });
  });

  it('the setting workspace.time_zone: an offset is a 400 that stores nothing; a name is stored canonical', async () => {
    const settings = new MemorySettings();
    const deps = { settings, secrets: localSecretBox(randomBytes(32)), now: () => new Date('2026-03-01Z') };
    const writer = callerIn('ws-tz', ['settings:read', 'settings:write'], 'u-tz');
    const refused = await putSetting(writer, 'workspace.time_zone', { value: '+05:00' }, deps).catch((e) => e);
    expect(refused).toBeInstanceOf(ValidationError);
    expect(refused).toMatchObject({ code: 'INVALID_SETTING_VALUE' });
    expect(settings.partition('ws-tz').get('workspace.time_zone')).toBeUndefined();
    const put = await putSetting(writer, 'workspace.time_zone', { value: 'europe/berlin' }, deps);
    expect(put.setting.value).toBe('Europe/Berlin');
    expect(settings.partition('ws-tz').get('workspace.time_zone')).toMatchObject({ valueJson: '"Europe/Berlin"' });
    expect(await workspaceTimeZone('ws-tz', deps)).toBe('Europe/Berlin');
  });

  it("a contact's timeZone field: an offset is ignored (the campaign's zone applies)", () => {
    const contact = (zone: string) =>
      ({
        contactId: 'c1',
        workspaceId: 'ws',
        email: 'c1@example.com',
        customFields: { timeZone: zone },
        tags: [],
      }) as unknown as Contact;
    expect(snapshotOf(contact('+05:00')).timeZone).toBeUndefined();
    expect(snapshotOf(contact('Asia/Tokyo')).timeZone).toBe('Asia/Tokyo');
  });
});

describe('r19g-fix: a zone stored before offsets were refused', () => {
  it('still reads on the email-sends queue (its mail is not refused)', () => {
    const window = { weekdays: [1, 2, 3, 4, 5], startHour: 9, endHour: 17, zone: '+05:00' };
    expect(zonedSendWindow.safeParse(window).success).toBe(true);
  });

  it('a PATCH of the rules that keeps it is a 400 naming the zone, not a 500', async () => {
    const stored: Campaign = {
      workspaceId: 'ws',
      campaignId: 'c1',
      name: 'C',
      status: 'draft',
      revision: 1,
      journey: JOURNEY,
      rules: { timeZone: '+05:00', reentry: { mode: 'never' } },
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      createdBy: 'u1',
    } as unknown as Campaign;
    const deps = {
      campaigns: { get: async () => structuredClone(stored), replace: async () => true },
      now: () => new Date('2026-06-01T08:00:00Z'),
      realNow: () => new Date('2026-06-01T08:00:00Z'),
      newId: () => 'x',
    } as unknown as CampaignDeps;
    const error = await updateCampaign(
      'ws',
      'c1',
      updateCampaignBody.parse({ rules: { reentry: { mode: 'always' } } }),
      deps,
    ).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(String(error.message)).toMatch(/timeZone/);
  });
});
