/**
 * The secret a campaign's outbound webhooks are signed with (webhook-action.ts). One per
 * campaign, made the first time a webhook of it is sent, or by
 * `POST /api/campaigns/{id}/signing-secret`, which makes a new one and shows it once: the old
 * one stops signing at once. It is kept readable (an HMAC needs the secret itself, not a hash).
 */
import { randomBytes } from 'node:crypto';
import { type CampaignStore, writableCampaign } from './campaign';

export interface CampaignSigningSecrets {
  get(workspaceId: string, campaignId: string): Promise<string | undefined>;
  /** Stores `secret`; with `onlyIfAbsent`, false (and nothing written) when the campaign has one. */
  put(workspaceId: string, campaignId: string, secret: string, at: string, onlyIfAbsent: boolean): Promise<boolean>;
}

/**
 * `whsec_` and 32 random bytes in base64, as Standard Webhooks libraries read a secret. (Secrets made
 * before review round 22 spell their bytes in base64url: they sign the same, webhook-action.ts.)
 */
export const newSigningSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

/** The campaign's signing secret, made (once, whoever races) if it has none yet. */
export async function signingSecretOf(
  workspaceId: string,
  campaignId: string,
  deps: { secrets: CampaignSigningSecrets; now: () => Date },
): Promise<string> {
  const existing = await deps.secrets.get(workspaceId, campaignId);
  if (existing) return existing;
  const made = newSigningSecret();
  if (await deps.secrets.put(workspaceId, campaignId, made, deps.now().toISOString(), true)) return made;
  const winner = await deps.secrets.get(workspaceId, campaignId);
  if (!winner) throw new Error(`The signing secret of campaign ${campaignId} vanished while it was made`);
  return winner;
}

/** A new signing secret for the campaign, shown once; webhooks are signed with it from now on. */
export async function rotateSigningSecret(
  workspaceId: string,
  campaignId: string,
  deps: { campaigns: CampaignStore; secrets: CampaignSigningSecrets; now: () => Date },
): Promise<{ secret: string; header: string }> {
  await writableCampaign(workspaceId, campaignId, deps);
  const secret = newSigningSecret();
  await deps.secrets.put(workspaceId, campaignId, secret, deps.now().toISOString(), false);
  return { secret, header: SIGNATURE_HEADER };
}

/** A header carrying the webhook's signature, the same as `webhook-signature` (webhook-action.ts). */
export const SIGNATURE_HEADER = 'X-UniteHub-Signature';
