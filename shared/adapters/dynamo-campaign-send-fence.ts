/**
 * The reads of the email sender's campaign fence (shared/campaigns/send-fence.ts): the contact's
 * enrolment record in the campaign and the campaign record, both strongly consistent (a person's
 * exit, a pause or an archive is seen by the very next send), through a coalesced BatchGetItem, so
 * the records of one SQS batch (and, with the sender's `withCoalescedGets` client, its contact and
 * suppression reads) share calls. One item each: the enrolment (~1 KB) and the campaign (its draft
 * journey and rules as JSON; 1 RRU up to 4 KB).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CampaignStatus } from '../campaigns/campaign';
import type { SendFenceReads } from '../campaigns/send-fence';
import { coalescedGetter } from './dynamo/batch';
import { campaignSk, enrolmentSk, workspacePk } from './keys';

// The statuses of campaign.ts `CAMPAIGN_STATUSES`, kept here so the sender bundles no campaign module.
const STATUSES: readonly string[] = ['draft', 'active', 'paused', 'archived'] satisfies readonly CampaignStatus[];

export function dynamoSendFenceReads(db: DynamoDBDocumentClient, table: string): SendFenceReads {
  const read = coalescedGetter(db, table, { consistent: true });
  return {
    async enrolment(workspaceId, campaignId, contactId) {
      const item = await read({ pk: workspacePk(workspaceId), sk: enrolmentSk(campaignId, contactId) });
      if (item?.type !== 'enrolment' || typeof item.run !== 'number') return undefined;
      const halted = Array.isArray(item.halted) ? item.halted.filter((r): r is number => typeof r === 'number') : [];
      return {
        run: item.run,
        ...(typeof item.exitReason === 'string' ? { exitReason: item.exitReason as never } : {}),
        ...(halted.length > 0 ? { halted } : {}),
      };
    },
    async campaignStatus(workspaceId, campaignId) {
      const item = await read({ pk: workspacePk(workspaceId), sk: campaignSk(campaignId) });
      const status = item?.type === 'campaign' ? item.status : undefined;
      return typeof status === 'string' && STATUSES.includes(status) ? (status as CampaignStatus) : undefined;
    },
  };
}
