/** The ports of campaign triggers (trigger.ts); the DynamoDB adapter is shared/adapters/dynamo-campaign-triggers.ts. */
import type { CampaignStatus } from './campaign';
import type { TriggerKey } from './trigger';

/**
 * What a campaign's trigger wiring (its index entry, its schedule slot) is computed from: the
 * campaign's status and published version (whose trigger it is), as of `revision`. Nothing else
 * the campaign record holds changes either.
 */
export interface TriggerBasis {
  readonly revision: number;
  readonly status: CampaignStatus;
  readonly publishedVersion?: number;
}

export interface CampaignTriggerIndex {
  /**
   * Makes `key` the campaign's one entry in the workspace's trigger index (undefined: none),
   * removing the entry it had, if the record still has the basis's status and published version
   * (else a publish or a status change moved it on, and its own sync writes the entry) and no
   * sync of a later revision wrote the entry already. A sync that loses writes nothing and
   * resolves. Writes that change neither (an edit, a promotion) do not stand in the way.
   */
  set(workspaceId: string, campaignId: string, basis: TriggerBasis, key: TriggerKey | undefined): Promise<void>;
  /** Campaign ids whose entry is `key`. */
  find(workspaceId: string, key: TriggerKey): Promise<string[]>;
  /**
   * Whether (event, contact, campaign) was recorded as done (and not expired): a replay. The
   * contact is part of it: an event id need not be unique across contacts (an interaction's is
   * built from the client's `interactionId`, unique per contact only).
   */
  claimed(workspaceId: string, eventId: string, contactId: string, campaignId: string): Promise<boolean>;
  /**
   * Records (event, contact, campaign) as done for `ttlSeconds`, after its enrolment: true the
   * first time, false when a copy recorded it first.
   */
  claim(
    workspaceId: string,
    eventId: string,
    contactId: string,
    campaignId: string,
    ttlSeconds: number,
  ): Promise<boolean>;
  /**
   * Sets (or, undefined, clears) the campaign's scheduled launch slot, if the record still has the
   * basis's status and published version (else a publish or a status change moved it on, and its
   * own sync writes the slot) and no sync of a later revision wrote the slot already. Writes that
   * change neither (an edit, a promotion) do not stand in the way.
   */
  setSchedule(
    workspaceId: string,
    campaignId: string,
    basis: TriggerBasis,
    nextRunAt: string | undefined,
  ): Promise<void>;
  /**
   * The campaign's scheduled slot that no trigger run has launched yet (strongly consistent), as
   * stored on its record; undefined when there is none. Read by a sync, so it can keep a slot that
   * came due meanwhile.
   */
  pendingSlot(workspaceId: string, campaignId: string): Promise<string | undefined>;
  /**
   * After the launch of slot `launched`: replaces it with the next slot in one conditional write,
   * if the record still holds `launched` as its slot and the campaign is still active on
   * `publishedVersion` (the version whose trigger computed the next one). So whatever fails, the
   * campaign keeps a due slot (the launched one, which the next run starts again under its launch
   * id, a no-op, then replaces) or the next one; never none. When that condition fails: a slot
   * changed meanwhile stands (a sync wrote it); the launched slot of a campaign no longer active
   * is cleared; and that of a campaign active on another version (a publish whose sync kept it)
   * stays due, so the next run plans it again on that version.
   */
  scheduleNext(
    workspaceId: string,
    campaignId: string,
    publishedVersion: number,
    nextRunAt: string,
    launched: string,
  ): Promise<void>;
}

export interface CampaignWebhookTokens {
  /**
   * Stores the hash of a campaign's new token; the old one stops working in the same write.
   * `mintedBy` is the user who asked for it: the token ends when they leave the workspace or change
   * their password, as their API keys do, and works only while their role may launch campaigns.
   * `passwordVersion` is the one their session was opened with: the token is written only while
   * their password still has it (and is void once it changes). `at` is real time (compared with
   * their reset's, for tokens minted before versions were recorded). Only writes that stand for no
   * user (fixtures) leave `mintedBy` out; such a token is tied to nobody. `minterRole` is their role
   * as the edge read it: the token is written only while they are still a member with it.
   * @throws UnauthorizedError `SESSION_INVALID` when the minter's password changed meanwhile.
   * @throws ConflictError `CONCURRENT_CHANGE` when the minter was removed or their role changed meanwhile.
   */
  rotate(
    workspaceId: string,
    campaignId: string,
    tokenHash: string,
    at: string,
    mintedBy?: string,
    passwordVersion?: number,
    minterRole?: string,
  ): Promise<void>;
  /**
   * The campaign a token hash belongs to, while it is the campaign's current token and its minter
   * is still a member who has the password they minted it under and whose role, as defined at the
   * call, grants `campaigns:launch`.
   */
  find(tokenHash: string): Promise<{ workspaceId: string; campaignId: string } | undefined>;
}
