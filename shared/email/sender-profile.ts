/**
 * The workspace as its emails name it: its name and its postal address (the merge fields
 * `workspace.name` and `workspace.postalAddress`). The postal address is the setting
 * `email.postal_address` of the settings registry (a JSON string; the workspace's own, else a
 * global default), so no new route or store is needed to set it.
 */
import { ValidationError } from '../errors';
import type { SettingStore } from '../governance/ports';
import { cutText } from '../security/cut-text';

export const POSTAL_ADDRESS_SETTING = 'email.postal_address';

export interface SenderProfile {
  readonly name: string;
  readonly postalAddress?: string;
}

export interface SenderProfileDeps {
  readonly settings: Pick<SettingStore, 'get'>;
  /** The workspace's display name ('' when unknown). */
  readonly workspaceName: (workspaceId: string) => Promise<string | undefined>;
}

const MAX_ADDRESS = 500;

/** The workspace's name and postal address (absent when not configured, blank, or not a string). */
export async function senderProfile(workspaceId: string, deps: SenderProfileDeps): Promise<SenderProfile> {
  const [name, own] = await Promise.all([
    deps.workspaceName(workspaceId),
    deps.settings.get(workspaceId, POSTAL_ADDRESS_SETTING),
  ]);
  const stored = own ?? (await deps.settings.get(undefined, POSTAL_ADDRESS_SETTING));
  let address: unknown;
  if (stored && !stored.isSecret) {
    try {
      address = JSON.parse(stored.valueJson);
    } catch {
      address = undefined;
    }
  }
  const postalAddress = typeof address === 'string' ? cutText(address.trim(), MAX_ADDRESS) : '';
  return { name: cutText(name ?? '', 200), ...(postalAddress ? { postalAddress } : {}) };
}

/**
 * A marketing send needs the sender's postal address (CAN-SPAM).
 * @throws ValidationError `POSTAL_ADDRESS_MISSING` telling how to set it.
 */
export function assertPostalAddress(profile: SenderProfile, category: 'transactional' | 'marketing'): void {
  if (category !== 'marketing' || profile.postalAddress) return;
  throw new ValidationError(
    `Marketing email must show the sender's postal address, and this workspace has none. Set it with ` +
      `PUT /api/settings/${POSTAL_ADDRESS_SETTING} and the body {"value": "<street, city, postcode, country>"}.`,
    'POSTAL_ADDRESS_MISSING',
    { details: { setting: POSTAL_ADDRESS_SETTING } },
  );
}
