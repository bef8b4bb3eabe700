/**
 * The last check before a provider call: every value that becomes a header (sender, recipient,
 * subject, the extra headers) is one line. A failure is the message's fault, so the error
 * carries status 400 and `classifyProviderError` calls it `rejected` (no failover: every
 * provider would refuse it, or worse, send it).
 */
import type { OutgoingEmail } from '../email/ports';
import { assertHeaderValue } from '../security/single-line-text';

/** An email no provider may send as it is (a header value with a line break or control character). */
export class UnsendableEmailError extends Error {
  override name = 'UnsendableEmailError';
  readonly status = 400;
}

/** Header names: RFC 5322 field names (printable ASCII but `:`). */
const HEADER_NAME = /^[!-9;-~]+$/;

export function assertSendable(email: OutgoingEmail): void {
  try {
    assertHeaderValue(email.from, 'sender');
    assertHeaderValue(email.to, 'recipient');
    assertHeaderValue(email.subject, 'subject');
    for (const [name, value] of Object.entries(email.headers)) {
      if (!HEADER_NAME.test(name)) throw new Error(`The email header name "${name.slice(0, 40)}" is not a header name`);
      assertHeaderValue(value, `header ${name}`);
    }
  } catch (error) {
    throw new UnsendableEmailError((error as Error).message, { cause: error });
  }
}
