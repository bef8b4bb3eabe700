/** The ports the campaign use cases need; adapters live in shared/adapters. */
import type { DripStepMessage } from './messages';

export interface AudiencePageOfContacts {
  readonly contactIds: readonly string[];
  /** Opaque; absent on the last page. */
  readonly cursor?: string;
}

export interface AudienceSource {
  page(workspaceId: string, campaignId: string, pageSize: number, cursor?: string): Promise<AudiencePageOfContacts>;
}

export interface StepQueue {
  /** Sends every message or throws; a partial failure throws too (the page is retried). */
  sendAll(messages: readonly DripStepMessage[]): Promise<void>;
}

export interface Enrolment {
  readonly workspaceId: string;
  readonly campaignId: string;
  readonly contactId: string;
  readonly launchId: string;
  readonly state: 'running';
  readonly enrolledAt: string;
}

export interface EnrolmentStore {
  /** Creates the enrolment unless one exists for (campaign, contact); true when created. */
  createIfAbsent(enrolment: Enrolment): Promise<boolean>;
}

export interface DueCampaign {
  readonly workspaceId: string;
  readonly campaignId: string;
  /** The schedule slot, ISO-8601; names the launch so a retried trigger can't launch twice. */
  readonly dueAt: string;
}

export interface CampaignSchedule {
  due(now: Date, limit: number): Promise<DueCampaign[]>;
  /** Clears the slot unless it changed meanwhile. */
  markLaunched(campaign: DueCampaign): Promise<void>;
}

export interface LaunchStarter {
  /** Starts a launch execution; starting the same launchId twice is a no-op. */
  start(input: { workspaceId: string; campaignId: string; launchId: string }): Promise<void>;
}
