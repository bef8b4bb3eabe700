import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { localSecretBox, SecretOpenError } from '../../../shared/adapters/secret-box';
import { NotFoundError, ValidationError } from '../../../shared/errors';
import type { StoredSetting } from '../../../shared/governance/ports';
import {
  deleteSetting,
  listSettings,
  MAX_SETTING_BYTES,
  putSetting,
  readSecretSetting,
  SECRET_MASK,
  secretContext,
} from '../../../shared/governance/settings';
import { callerIn, MemorySettings } from './memory-stores';

const writer = callerIn('ws-a', ['settings:read', 'settings:write'], 'u-a');
const otherWriter = callerIn('ws-b', ['settings:read', 'settings:write'], 'u-b');

function setup() {
  const settings = new MemorySettings();
  const deps = { settings, secrets: localSecretBox(randomBytes(32)), now: () => new Date('2026-03-01T00:00:00.000Z') };
  return { settings, deps };
}

describe('settings registry', () => {
  it('stores a secret sealed, masks it everywhere, and opens it only internally', async () => {
    const { settings, deps } = setup();

    const put = await putSetting(writer, 'openai.api_key', { value: 'sk-live-secret', isSecret: true }, deps);

    expect(put).toEqual({
      created: true,
      setting: {
        key: 'openai.api_key',
        scope: 'workspace',
        isSecret: true,
        value: SECRET_MASK,
        updatedAt: '2026-03-01T00:00:00.000Z',
      },
    });
    expect(JSON.stringify([...settings.partition('ws-a').values()])).not.toContain('sk-live-secret');
    expect((await listSettings(writer, { limit: 100 }, deps)).settings).toEqual([put.setting]);
    expect(await readSecretSetting('ws-a', 'openai.api_key', deps)).toBe('sk-live-secret');
  });

  it("refuses to open a ciphertext copied into another workspace's setting", async () => {
    const { settings, deps } = setup();
    await putSetting(writer, 'openai.api_key', { value: 'sk-a', isSecret: true }, deps);
    const copied = settings.partition('ws-a').get('openai.api_key') as StoredSetting;
    settings.partition('ws-b').set('openai.api_key', copied);

    await expect(readSecretSetting('ws-b', 'openai.api_key', deps)).rejects.toBeInstanceOf(SecretOpenError);
  });

  it('keeps a secret secret when its value is replaced without the flag', async () => {
    const { settings, deps } = setup();
    await putSetting(writer, 'smtp.password', { value: 'one', isSecret: true }, deps);

    const replaced = await putSetting(writer, 'smtp.password', { value: 'two' }, deps);

    expect(replaced).toMatchObject({ created: false, setting: { isSecret: true, value: SECRET_MASK } });
    expect(JSON.stringify([...settings.partition('ws-a').values()])).not.toContain('two');
    expect(await readSecretSetting('ws-a', 'smtp.password', deps)).toBe('two');
  });

  it('merges read-only global settings under the workspace ones, marking the scope', async () => {
    const { settings, deps } = setup();
    const global = (key: string, value: unknown): StoredSetting => ({
      key,
      scope: 'global',
      isSecret: false,
      valueJson: JSON.stringify(value),
      updatedAt: '2026-01-01T00:00:00.000Z',
    });
    settings.partition(undefined).set('ai.model', global('ai.model', 'claude-sonnet'));
    settings.partition(undefined).set('email.daily_cap', global('email.daily_cap', 500));
    await putSetting(writer, 'email.daily_cap', { value: { perDay: 50 } }, deps);

    const { settings: listed } = await listSettings(writer, { limit: 100 }, deps);

    expect(listed.map((s) => [s.key, s.scope, s.value])).toEqual([
      ['ai.model', 'global', 'claude-sonnet'],
      ['email.daily_cap', 'workspace', { perDay: 50 }],
    ]);
    await expect(deleteSetting(writer, 'ai.model', deps)).rejects.toBeInstanceOf(NotFoundError);
    expect(await readSecretSetting('ws-a', 'ai.model', deps)).toBe('claude-sonnet');
  });

  it("keeps workspaces apart: one can't see or delete another's setting", async () => {
    const { deps } = setup();
    await putSetting(writer, 'brand.color', { value: '#123456' }, deps);

    expect((await listSettings(otherWriter, { limit: 100 }, deps)).settings).toEqual([]);
    await expect(deleteSetting(otherWriter, 'brand.color', deps)).rejects.toMatchObject({ code: 'SETTING_NOT_FOUND' });
    await deleteSetting(writer, 'brand.color', deps);
    expect((await listSettings(writer, { limit: 100 }, deps)).settings).toEqual([]);
  });

  it('refuses values over 8 KB of JSON and malformed keys', async () => {
    const { deps } = setup();
    const big = 'x'.repeat(MAX_SETTING_BYTES);

    await expect(putSetting(writer, 'big', { value: big }, deps)).rejects.toMatchObject({ code: 'SETTING_TOO_LARGE' });
    await expect(putSetting(writer, 'Bad Key', { value: 1 }, deps)).rejects.toBeInstanceOf(ValidationError);
    await expect(putSetting(writer, 'fits', { value: 'x'.repeat(MAX_SETTING_BYTES - 2) }, deps)).resolves.toMatchObject(
      { created: true },
    );
  });

  it('binds global secrets to the global context', () => {
    expect(secretContext(undefined, 'k')).toEqual({ workspaceId: '*', key: 'k' });
  });
});
