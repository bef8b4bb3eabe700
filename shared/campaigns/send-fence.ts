/**
 * The last look a campaign's mail gets before it is sent (send-email.ts `campaignFence`): the run it
 * belongs to and its campaign, read in the same moment as the recipient's contact and suppressions
 * (the DynamoDB adapter's reads ride in their BatchGetItem). A write meant to stop what a run does
 * next (a person's exit, the campaign's pause or archive) answers 200 while a step of that run may
 * already have read it and queued a mail: the step reads once, queues, and only its final save
 * notices (review round 26). The mail can also wait in the pipeline long after (a send window, the
 * pace, a workspace pause). So the sender asks here, right before it renders and sends:
 * - the run stopped from outside (`HALTING_EXITS`: a person's exit, the archive; or a later run's
 *   record remembering it as `halted`): closed unsent, for good;
 * - the campaign archived: closed unsent;
 * - the campaign paused (or a draft): given back to the queue, retried every 15 minutes like mail
 *   of a paused workspace, sent once the campaign runs again.
 * Any mail whose check reads after the stopping write committed is stopped: the write is
 * strongly consistent, and so are these reads. A mail whose check read before it may still be on
 * its way to the provider (the milliseconds of rendering and the call): it was decided before
 * the stop, as one sent a second earlier was.
 *
 * Which run a mail belongs to is in its ledger key, `campaign#<campaign>#<contact>#<run>#<node>#<step>`
 * (execute-node.ts `effectKey`): an email node's mail and a `notify-user` action's notification
 * alike. Ids are `[A-Za-z0-9_-]` (RECORD_ID_PATTERN), so the key splits on `#`. Any other key is
 * no campaign's: nothing is read.
 */
import type { CampaignStatus } from './campaign';
import { type EnrolmentState, runHalted } from './enrolment';

/** What the fence says of a mail: close it for good, or give it back to the queue for later. */
export type FenceVerdict = { readonly close: string } | { readonly hold: string; readonly retryAfterMs: number };

/** How the fence reads the run and its campaign (strongly consistent reads). */
export interface SendFenceReads {
  /** The contact's enrolment record in the campaign (its latest run), if any. */
  enrolment(
    workspaceId: string,
    campaignId: string,
    contactId: string,
  ): Promise<Pick<EnrolmentState, 'run' | 'exitReason' | 'halted'> | undefined>;
  /** The campaign's status; undefined when there is no such campaign. */
  campaignStatus(workspaceId: string, campaignId: string): Promise<CampaignStatus | undefined>;
}

/** How long a mail of a paused campaign waits before it looks again (as a paused workspace's). */
export const PAUSED_CAMPAIGN_RETRY_MS = 15 * 60 * 1000;

/** The campaign, contact and run a campaign mail's ledger key names; undefined for any other key. */
export function campaignRunOf(
  idempotencyKey: string,
): { readonly campaignId: string; readonly contactId: string; readonly run: number } | undefined {
  const [kind, campaignId, contactId, run, node, step] = idempotencyKey.split('#');
  if (kind !== 'campaign' || !campaignId || !contactId || !node || step === undefined) return undefined;
  if (!run || !/^\d+$/.test(run)) return undefined;
  return { campaignId, contactId, run: Number(run) };
}

/** The fence the email sender asks (send-email.ts `SendDeps.campaignFence`). */
export function campaignSendFence(
  reads: SendFenceReads,
): (workspaceId: string, idempotencyKey: string) => Promise<FenceVerdict | undefined> {
  return async (workspaceId, idempotencyKey) => {
    const of = campaignRunOf(idempotencyKey);
    if (!of) return undefined;
    const [record, status] = await Promise.all([
      reads.enrolment(workspaceId, of.campaignId, of.contactId),
      reads.campaignStatus(workspaceId, of.campaignId),
    ]);
    if (record && runHalted(record, of.run)) {
      const why = record.run === of.run && record.exitReason === 'archived' ? 'archived' : 'exited by a person';
      return { close: `campaign run stopped: its enrolment was ${why} before the mail was sent` };
    }
    if (status === 'archived')
      return { close: 'campaign run stopped: the campaign was archived before the mail was sent' };
    if (status === 'paused' || status === 'draft') {
      return { hold: 'campaign paused: its mail waits for the resume', retryAfterMs: PAUSED_CAMPAIGN_RETRY_MS };
    }
    return undefined;
  };
}
