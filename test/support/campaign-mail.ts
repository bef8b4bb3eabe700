/**
 * A campaign's marketing mail as the drip step queues it for the email sender: contact `c1` of
 * campaign `cmp1` in workspace `ws-1`, node `mail`, step 2, with a send window of 09:00-17:00 on
 * weekdays in Berlin, and the instants around that window the frequency cap's tests use (Monday
 * 7 and Tuesday 8 December 2026, CET).
 */
import type { SendRequest } from '../../shared/email/send-email';

export const MONDAY_1000_BERLIN = Date.parse('2026-12-07T09:00:00Z');
export const MONDAY_1658_BERLIN = Date.parse('2026-12-07T15:58:00Z');
export const MONDAY_1703_BERLIN = Date.parse('2026-12-07T16:03:00Z');
export const MONDAY_2300_BERLIN = Date.parse('2026-12-07T22:00:00Z');
/** The window's next opening after Monday's close. */
export const TUESDAY_0900_BERLIN = Date.parse('2026-12-08T08:00:00Z');

export const CAMPAIGN_MAIL_KEY = 'campaign#cmp1#c1#1#mail#2';

/** The mail, in `workspaceId` (default `ws-1`) under `idempotencyKey` (default {@link CAMPAIGN_MAIL_KEY}). */
export function campaignMailOf(workspaceId = 'ws-1', idempotencyKey = CAMPAIGN_MAIL_KEY): SendRequest {
  return {
    workspaceId,
    idempotencyKey,
    sendId: 'send-1',
    contactId: 'c1',
    campaignId: 'cmp1',
    nodeId: 'mail',
    category: 'marketing',
    from: 'news@acme.test',
    to: 'ada@example.com',
    content: {
      subject: 'News',
      html: '<p>Hi</p><a href="{{ unsubscribe_url }}">Unsubscribe</a><p>{{ workspace.postalAddress }}</p>',
    },
    context: {
      contact: {},
      workspace: { name: 'Acme', postalAddress: '1 Main St' },
      unsubscribe_url: 'https://example.com/u/x',
    },
    window: { weekdays: [1, 2, 3, 4, 5], startHour: 9, endHour: 17, zone: 'Europe/Berlin' },
  };
}
