/**
 * The settings registry: JSON values by key, per workspace, over read-only global
 * defaults. Secret values are sealed (envelope encryption bound to workspace and key)
 * before they are stored and are never returned in plain text; only
 * {@link readSecretSetting} opens them, for use inside the service.
 *
 * Most keys take any JSON value. The keys the service reads ({@link KNOWN_SETTINGS},
 * known-settings.ts) are checked when set: a value that does not fit is a 400 that stores
 * nothing, and they are never secret; a value is stored as its schema parses it.
 *
 * A workspace keeps at most {@link MAX_WORKSPACE_SETTINGS} settings (the store counts them,
 * race-free). `GET /api/settings` pages them by key (`limit`, `cursor`), each page within what a
 * Lambda may answer (6 MB) whatever the stored data: a workspace that kept more settings before
 * the cap, and the global defaults, page like any other.
 */
import { timeZone } from '../campaigns/send-window';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { own } from '../security/own';
import { KNOWN_SETTINGS, type KnownSetting, WORKSPACE_TIME_ZONE_SETTING } from './known-settings';
import type { Caller, SecretBox, SecretContext, SettingScope, SettingStore, StoredSetting } from './ports';

export { KNOWN_SETTINGS, WORKSPACE_TIME_ZONE_SETTING };

export const SETTING_KEY_PATTERN = /^[a-z][a-z0-9_.-]{0,63}$/;
/** Largest value, as UTF-8 JSON text. */
export const MAX_SETTING_BYTES = 8 * 1024;
/**
 * Most settings a workspace keeps (an overwrite is no new one). A listing page of 100 holds a full
 * workspace and as many global defaults; the store also cuts a page at what a function may answer
 * (at worst each value's 8 KB grows 7-fold on its way out: `<` `>` `&` leave as 6-byte `\u`
 * escapes, and the Lambda's JSON envelope escapes their backslash), so any stored data answers.
 */
export const MAX_WORKSPACE_SETTINGS = 50;
export const SECRET_MASK = '********';
/** The encryption context's workspace for global settings; `*` is never part of a workspace id. */
export const GLOBAL_CONTEXT_ID = '*';

export interface SettingsDeps {
  readonly settings: SettingStore;
  readonly secrets: SecretBox;
  readonly now: () => Date;
}

export interface SettingView {
  readonly key: string;
  readonly scope: SettingScope;
  readonly isSecret: boolean;
  /** The JSON value, or {@link SECRET_MASK} for secrets. */
  readonly value: unknown;
  readonly updatedAt: string;
}

export const secretContext = (workspaceId: string | undefined, key: string): SecretContext => ({
  workspaceId: workspaceId ?? GLOBAL_CONTEXT_ID,
  key,
});

/**
 * One page of the effective settings of the caller's workspace, by key: its own, and the global
 * ones it does not override; secrets masked. `nextCursor` continues after the last one.
 * @throws InvalidCursorError (400 `INVALID_CURSOR`) for a cursor this listing did not hand out.
 */
export async function listSettings(
  caller: Caller,
  page: { readonly limit: number; readonly cursor?: string },
  deps: Pick<SettingsDeps, 'settings'>,
): Promise<{ settings: SettingView[]; nextCursor?: string }> {
  const { settings, nextCursor } = await deps.settings.list(caller.workspaceId, page);
  return nextCursor ? { settings: settings.map(view), nextCursor } : { settings: settings.map(view) };
}

/**
 * Creates or replaces a workspace setting. Without `isSecret`, a replaced setting keeps its
 * secrecy, so updating a secret's value never stores it in plain text by omission. A key of
 * {@link KNOWN_SETTINGS} takes only a value its schema accepts, never as a secret.
 * @throws ValidationError `INVALID_SETTING_KEY` / `SETTING_TOO_LARGE` / `INVALID_SETTING_VALUE` /
 * `SETTING_NOT_SECRET`.
 * @throws ConflictError `SETTINGS_LIMIT` when the key is new and the workspace already keeps
 * {@link MAX_WORKSPACE_SETTINGS} settings (nothing is stored).
 */
export async function putSetting(
  caller: Caller,
  key: string,
  input: { readonly value: unknown; readonly isSecret?: boolean },
  deps: SettingsDeps,
): Promise<{ created: boolean; setting: SettingView }> {
  assertKey(key);
  const given = JSON.stringify(input.value);
  if (given === undefined) throw new ValidationError('A setting needs a JSON value', 'VALIDATION_FAILED');
  if (Buffer.byteLength(given, 'utf8') > MAX_SETTING_BYTES) {
    throw new ValidationError(`A setting value may be at most ${MAX_SETTING_BYTES} bytes of JSON`, 'SETTING_TOO_LARGE');
  }
  // Own keys only: `constructor`, `toString`... are ordinary setting keys, not Object's members.
  const known = own(KNOWN_SETTINGS, key);
  // A known key's value is stored as its schema parses it (a time zone: its canonical name).
  const json = known ? JSON.stringify(knownValue(key, known, input)) : given;
  const isSecret = known
    ? false
    : (input.isSecret ?? (await deps.settings.get(caller.workspaceId, key))?.isSecret ?? false);
  const now = deps.now();
  const common = { key, scope: 'workspace' as const, updatedAt: now.toISOString(), updatedBy: caller.userId };
  const stored: StoredSetting = isSecret
    ? { ...common, isSecret: true, sealed: await deps.secrets.seal(json, secretContext(caller.workspaceId, key)) }
    : { ...common, isSecret: false, valueJson: json };
  const outcome = await deps.settings.put(caller.workspaceId, stored, MAX_WORKSPACE_SETTINGS);
  if (outcome === 'limit-reached') {
    throw new ConflictError(
      `A workspace may keep at most ${MAX_WORKSPACE_SETTINGS} settings; delete one before adding ${key}`,
      'SETTINGS_LIMIT',
      { details: { key, limit: MAX_WORKSPACE_SETTINGS } },
    );
  }
  return { created: outcome === 'created', setting: view(stored) };
}

/** @throws NotFoundError `SETTING_NOT_FOUND` when the workspace has no such setting (global ones are read-only). */
export async function deleteSetting(caller: Caller, key: string, deps: Pick<SettingsDeps, 'settings'>): Promise<void> {
  assertKey(key);
  if (!(await deps.settings.delete(caller.workspaceId, key))) {
    throw new NotFoundError('No such setting in this workspace', 'SETTING_NOT_FOUND');
  }
}

/**
 * The effective value of a setting for service-internal use (e.g. provider API keys):
 * the workspace's, else the global one; secrets opened. Undefined when neither exists.
 * Never hand the result to a caller.
 */
export async function readSecretSetting(
  workspaceId: string,
  key: string,
  deps: Pick<SettingsDeps, 'settings' | 'secrets'>,
): Promise<unknown> {
  const own = await deps.settings.get(workspaceId, key);
  const found = own ?? (await deps.settings.get(undefined, key));
  if (!found) return undefined;
  if (!found.isSecret) return JSON.parse(found.valueJson);
  const context = secretContext(own ? workspaceId : undefined, key);
  return JSON.parse(await deps.secrets.open(found.sealed, context));
}

/**
 * The workspace's own time zone ({@link WORKSPACE_TIME_ZONE_SETTING}), in one read; undefined when
 * unset or when the stored value is no zone (stored before the check, or by hand). Global defaults
 * are not read (a create reads at most one item).
 */
export async function workspaceTimeZone(
  workspaceId: string,
  deps: { readonly settings: Pick<SettingStore, 'get'> },
): Promise<string | undefined> {
  const stored = await deps.settings.get(workspaceId, WORKSPACE_TIME_ZONE_SETTING);
  if (!stored || stored.isSecret) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(stored.valueJson);
  } catch {
    return undefined;
  }
  const zone = timeZone.safeParse(value);
  return zone.success ? zone.data : undefined;
}

/**
 * The value a known key stores: as its schema parses it (no bigger: a schema only trims or
 * normalises). The 400 names the key, the rule and what broke it.
 */
function knownValue(key: string, known: KnownSetting, input: { value: unknown; isSecret?: boolean }): unknown {
  if (input.isSecret === true) {
    throw new ValidationError(`The setting ${key} cannot be secret: the service reads it`, 'SETTING_NOT_SECRET', {
      details: { key },
    });
  }
  const parsed = known.schema.safeParse(input.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    const why = issue ? ` (${issue.message}${where})` : '';
    throw new ValidationError(`The setting ${key} must be ${known.rule}${why}`, 'INVALID_SETTING_VALUE', {
      details: { key, rule: known.rule },
    });
  }
  return parsed.data;
}

function assertKey(key: string): void {
  if (!SETTING_KEY_PATTERN.test(key)) {
    throw new ValidationError(`Setting keys match ${SETTING_KEY_PATTERN.source}`, 'INVALID_SETTING_KEY');
  }
}

function view(setting: StoredSetting): SettingView {
  return {
    key: setting.key,
    scope: setting.scope,
    isSecret: setting.isSecret,
    value: setting.isSecret ? SECRET_MASK : JSON.parse(setting.valueJson),
    updatedAt: setting.updatedAt,
  };
}
