// Review round 19: this test failed at d10baec.
// The workspace had no time zone: issue 13's "fallback to the workspace's zone" had nothing to fall
// back to. The setting `workspace.time_zone` is an IANA zone (the campaign's own `timeZone` schema):
// anything else is a 400 that stores nothing, and it is never a secret (campaigns read it plainly).
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { localSecretBox } from '../../../shared/adapters/secret-box';
import { ValidationError } from '../../../shared/errors';
import * as registry from '../../../shared/governance/settings';
import { putSetting } from '../../../shared/governance/settings';
import { callerIn, MemorySettings } from './memory-stores';

const writer = callerIn('ws-tz', ['settings:read', 'settings:write'], 'u-tz');
const KEY = 'workspace.time_zone';

function setup() {
  const settings = new MemorySettings();
  let gets = 0;
  const counted = {
    ...settings,
    list: settings.list.bind(settings),
    put: settings.put.bind(settings),
    delete: settings.delete.bind(settings),
    get: (ws: string | undefined, key: string) => {
      gets += 1;
      return settings.get(ws, key);
    },
  };
  const deps = { settings: counted, secrets: localSecretBox(randomBytes(32)), now: () => new Date('2026-03-01Z') };
  return { settings, deps, gets: () => gets };
}

async function refusal(run: () => Promise<unknown>) {
  try {
    await run();
  } catch (error) {
    if (error instanceof ValidationError) return { code: error.code, message: error.message };
    throw error;
  }
  return 'stored';
}

describe('the workspace time zone setting', () => {
  it('is named by the registry', () => {
    expect((registry as Record<string, unknown>).WORKSPACE_TIME_ZONE_SETTING).toBe(KEY);
  });

  it('stores an IANA zone', async () => {
    const { settings, deps } = setup();
    const put = await putSetting(writer, KEY, { value: 'Europe/Berlin' }, deps);
    expect(put.setting).toMatchObject({ key: KEY, isSecret: false, value: 'Europe/Berlin' });
    expect(settings.partition('ws-tz').get(KEY)).toMatchObject({ valueJson: '"Europe/Berlin"' });
  });

  it.each([
    ['an unknown zone', 'Mars/Olympus_Mons'],
    ['an empty string', ''],
    ['a number', 2],
    ['null', null],
    ['a list', ['Europe/Berlin']],
  ])('refuses %s (400 INVALID_SETTING_VALUE) and stores nothing', async (_what, value) => {
    const { settings, deps } = setup();
    const why = await refusal(() => putSetting(writer, KEY, { value }, deps));
    expect(why).toMatchObject({ code: 'INVALID_SETTING_VALUE' });
    expect((why as { message: string }).message).toContain(KEY);
    expect(settings.partition('ws-tz').has(KEY)).toBe(false);
  });

  it('keeps a valid zone when a bad one replaces it', async () => {
    const { settings, deps } = setup();
    await putSetting(writer, KEY, { value: 'Asia/Tokyo' }, deps);
    expect(await refusal(() => putSetting(writer, KEY, { value: 'Nowhere/Town' }, deps))).toMatchObject({
      code: 'INVALID_SETTING_VALUE',
    });
    expect(settings.partition('ws-tz').get(KEY)).toMatchObject({ valueJson: '"Asia/Tokyo"' });
  });

  it('is never a secret (400 SETTING_NOT_SECRET), so campaigns can read it', async () => {
    const { settings, deps } = setup();
    expect(await refusal(() => putSetting(writer, KEY, { value: 'Europe/Paris', isSecret: true }, deps))).toMatchObject(
      { code: 'SETTING_NOT_SECRET' },
    );
    expect(settings.partition('ws-tz').has(KEY)).toBe(false);
  });

  it('leaves other keys as they were: any JSON value', async () => {
    const { deps } = setup();
    expect(await refusal(() => putSetting(writer, 'workspace.anything', { value: 'Mars/Olympus_Mons' }, deps))).toBe(
      'stored',
    );
  });

  it("reads the workspace's zone in one GetItem; unset or unusable is undefined", async () => {
    const read = (registry as Record<string, unknown>).workspaceTimeZone as
      | ((ws: string, deps: { settings: unknown }) => Promise<string | undefined>)
      | undefined;
    expect(typeof read).toBe('function');
    if (!read) return;
    const { settings, deps, gets } = setup();
    expect(await read('ws-tz', deps)).toBeUndefined();
    expect(gets()).toBe(1);
    await putSetting(writer, KEY, { value: 'America/New_York' }, deps);
    const before = gets();
    expect(await read('ws-tz', deps)).toBe('America/New_York');
    expect(gets() - before).toBe(1);
    // A value stored before the check existed (or by hand) that is no zone counts as unset.
    settings.partition('ws-tz').set(KEY, {
      key: KEY,
      scope: 'workspace',
      isSecret: false,
      valueJson: '"Mars/Base"',
      updatedAt: '',
    });
    expect(await read('ws-tz', deps)).toBeUndefined();
  });
});
