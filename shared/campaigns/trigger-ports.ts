/** The ports of campaign triggers (trigger.ts); the DynamoDB adapter is shared/adapters/dynamo-campaign-triggers.ts. */
import type { TriggerKey } from './trigger';

export interface CampaignTriggerIndex {
  /**
   * Makes `key` the campaign's one entry in the workspace's trigger index (undefined: none),
   * removing the entry it had. Written after each publish and status change.
   */
  set(workspaceId: string, campaignId: string, key: TriggerKey | undefined): Promise<void>;
  /** Campaign ids whose entry is `key`. */
  find(workspaceId: string, key: TriggerKey): Promise<string[]>;
  /** Whether (event, campaign) was recorded as done (and not expired): a replay. */
  claimed(workspaceId: string, eventId: string, campaignId: string): Promise<boolean>;
  /**
   * Records (event, campaign) as done for `ttlSeconds`, after its enrolment: true the first time,
   * false when a copy recorded it first.
   */
  claim(workspaceId: string, eventId: string, campaignId: string, ttlSeconds: number): Promise<boolean>;
  /**
   * Sets (or, undefined, clears) the campaign's scheduled launch slot, unless the campaign record
   * moved past `revision` meanwhile (its own write sets the slot then).
   */
  setSchedule(workspaceId: string, campaignId: string, revision: number, nextRunAt: string | undefined): Promise<void>;
  /** After a launch: the next slot, if the campaign is still active and nothing set one meanwhile. */
  scheduleNext(workspaceId: string, campaignId: string, nextRunAt: string): Promise<void>;
}

export interface CampaignWebhookTokens {
  /** Stores the hash of a campaign's new token; the old one stops working in the same write. */
  rotate(workspaceId: string, campaignId: string, tokenHash: string, at: string): Promise<void>;
  /** The campaign a token hash belongs to. */
  find(tokenHash: string): Promise<{ workspaceId: string; campaignId: string } | undefined>;
}
