/** The SES v2 clients, created once per process (endpoint: `AWS_ENDPOINT_URL_SESV2` locally). */
import { SESv2Client, type SESv2ClientConfig } from '@aws-sdk/client-sesv2';
import { KeyedSha256 } from './keyed-sha256';

/** Reads (the account's send quota) and the account mails (verification, invitations). */
export const ses = new SESv2Client({ sha256: KeyedSha256 });

/**
 * How long one SES `SendEmail` may take (the SDK's NodeHttpHandler options). SES answers a send in
 * well under a second; a call that has not within these is ended by the SDK with a `TimeoutError`:
 * - `connectionTimeout` 2 s: no connection yet. Nothing was sent (the chain reads the handler's
 *   "did not establish a connection" as a refusal and may retry or fail over);
 * - `requestTimeout` 8 s, from the request's start to the answer's headers, thrown
 *   (`throwOnRequestTimeout`; without it the SDK only logs a warning). The request may have
 *   arrived: an unknown outcome, which ends the chain and holds the claim for the Send event;
 * - `socketTimeout` 8 s of silence on the socket (an answer whose body stops coming): unknown too.
 * So one call ends within 8 s, and the SES link (3 attempts at most, of which only refusals such as
 * a connection timeout or a 5xx are retried, 1 s apart at most) within about 14 s: under the
 * email-sender's 30 s function timeout and far under the send lease (`EMAIL_CLAIM_LEASE_SECONDS`,
 * 300 s by default), so the lease never runs out under a call still in flight.
 */
export const SES_SEND_TIMEOUTS: SesSendTimeouts = {
  connectionTimeout: 2_000,
  requestTimeout: 8_000,
  socketTimeout: 8_000,
};

/** The NodeHttpHandler timeouts of a send (ms); the request timeout is always thrown. */
export interface SesSendTimeouts {
  readonly connectionTimeout: number;
  readonly requestTimeout: number;
  readonly socketTimeout: number;
}

/**
 * A client for the campaign and API sends (shared/adapters/ses-provider.ts): one attempt per call,
 * each ending within {@link SES_SEND_TIMEOUTS}. The SDK's own retries would send again after an
 * attempt whose answer was lost (a timeout, a reset: SES may have taken the message), a second copy
 * the send pipeline could not see; the pipeline retries itself, knowing which outcomes are unknown
 * (send-email.ts: the claim is held for the Send event first). A throttle (429) comes back to the
 * pipeline too, which waits and retries. `overrides` (endpoint, credentials) and `timeouts` (shorter)
 * are for tests.
 */
export function sesSendClient(
  overrides: Omit<SESv2ClientConfig, 'maxAttempts' | 'requestHandler'> = {},
  timeouts: SesSendTimeouts = SES_SEND_TIMEOUTS,
): SESv2Client {
  return new SESv2Client({
    sha256: KeyedSha256,
    ...overrides,
    maxAttempts: 1,
    requestHandler: { ...timeouts, throwOnRequestTimeout: true },
  });
}

/** The campaign and API sends' client ({@link sesSendClient}). */
export const sesForSends = sesSendClient();
