/**
 * Review round 11 (email): the SDK retried a SendEmail whose answer was lost (a timeout, a reset)
 * by itself, inside one provider call: a second copy the send pipeline could not see. The client
 * the sends go through makes one attempt per call; the pipeline retries knowingly.
 */
import { describe, expect, it } from 'vitest';
import { ses, sesForSends } from '../../../shared/aws/ses';

describe('the SES client of the sends', () => {
  it('makes one attempt per call (the SDK does not retry a send)', async () => {
    expect(await sesForSends.config.maxAttempts()).toBe(1);
  });

  it('is not the client of quota reads and account mails, which keep the SDK retries', async () => {
    expect(sesForSends).not.toBe(ses);
    expect(await ses.config.maxAttempts()).toBeGreaterThan(1);
  });
});
