// Review round 17 (re-review): this test failed at 2d592ec.
// SES's MessageRejected "Email address is not verified ...: <identities>" was an account fault
// whatever identity it named; it is one only when it names the sender (its address or domain).
import { MessageRejected } from '@aws-sdk/client-sesv2';
import { describe, expect, it } from 'vitest';
import { sesAccountFault } from '../../../shared/adapters/ses-provider';

const unverified = (identities: string) =>
  new MessageRejected({
    message: `Email address is not verified. The following identities failed the check in region US-EAST-1: ${identities}`,
    $metadata: { httpStatusCode: 400 },
  });
const email = { from: 'Acme Billing <Billing@Acme.test>', to: 'ada@example.org' };

describe('an unverified identity named by SES', () => {
  it.each([
    ['the sender address (any case, From with a display name)', 'billing@acme.test'],
    ['the sender domain', 'acme.test'],
    ['the sender among others', 'ada@example.org, billing@acme.test'],
  ])('%s is an account fault', (_what, identities) => {
    expect(sesAccountFault(unverified(identities), email)).toBe(true);
  });

  it('a parent domain of the sender (a verified domain covers its subdomains) is an account fault', () => {
    expect(sesAccountFault(unverified('acme.test'), { from: 'news@mail.acme.test', to: 'ada@example.org' })).toBe(true);
  });

  it.each([
    ['the recipient (the sandbox)', 'ada@example.org'],
    ['the recipient in upper case, with a final period', 'ADA@EXAMPLE.ORG.'],
    ['an identity that is neither', 'someone@elsewhere.test'],
    ['a domain that only ends like the sender', 'cme.test'],
  ])("%s is the message's fault", (_what, identities) => {
    expect(sesAccountFault(unverified(identities), email)).toBe(false);
  });

  it("a text without the list is read as the account's (never closes mail for good) unless it names only the recipient", () => {
    const text = (message: string) => new MessageRejected({ message, $metadata: { httpStatusCode: 400 } });
    expect(sesAccountFault(text('Email address is not verified.'), email)).toBe(true);
    expect(sesAccountFault(text('Email address is not verified: billing@acme.test'), email)).toBe(true);
    expect(sesAccountFault(text('Email address is not verified (ada@example.org)'), email)).toBe(false);
  });

  it("other MessageRejected texts stay the message's fault", () => {
    expect(sesAccountFault(new MessageRejected({ message: 'Illegal header', $metadata: {} }), email)).toBe(false);
  });
});
