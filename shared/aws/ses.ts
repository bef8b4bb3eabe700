/** The SES v2 clients, created once per process (endpoint: `AWS_ENDPOINT_URL_SESV2` locally). */
import { SESv2Client } from '@aws-sdk/client-sesv2';

/** Reads (the account's send quota) and the account mails (verification, invitations). */
export const ses = new SESv2Client({});

/**
 * The campaign and API sends (shared/adapters/ses-provider.ts): one attempt per call. The SDK's
 * own retries would send again after an attempt whose answer was lost (a timeout, a reset: SES
 * may have taken the message), a second copy the send pipeline could not see; the pipeline
 * retries itself, knowing which outcomes are unknown (send-email.ts: the claim is held for the
 * Send event first). A throttle (429) comes back to the pipeline too, which waits and retries.
 */
export const sesForSends = new SESv2Client({ maxAttempts: 1 });
