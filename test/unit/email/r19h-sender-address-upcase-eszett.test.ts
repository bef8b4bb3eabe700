/**
 * Defect (LOW/MEDIUM): the sender's new post-render check closes lawful marketing mails of any
 * workspace whose postal address holds "ß" (every German "…straße") when the template shows it
 * upper-cased, `{{ workspace.postalAddress | upcase }}`, a case templates.ts names as supported
 * ("an address shown with `| upcase` ... is still found"). "Hauptstraße 5".toUpperCase() is
 * "HAUPTSTRASSE 5"; lettersOf lower-cases it to "hauptstrasse5", which does not contain
 * "hauptstraße5": every mail is closed "rendered for this recipient without the postal address",
 * although each recipient sees the address. The save lint passes (its made-up address is ASCII), so
 * the marketer only learns it from sends that never go out.
 *
 * Root cause: shared/email/templates.ts lettersOf (used by shownIn / missingFromRendered): the
 * comparison folds case with toLowerCase, which is not a case fold (ß ↔ SS, and others).
 *
 * Correct: compare with a full case fold (e.g. both sides `.toUpperCase().toLowerCase()`, or
 * normalise ß→ss on both), so an upper-cased address is found and the mail is sent.
 */
import { describe, expect, it } from 'vitest';
import type { OutgoingEmail } from '../../../shared/email/ports';
import { sendEmail } from '../../../shared/email/send-email';
import { marketingRequest, recordingSendDeps } from './send-fixture';

describe('an upper-cased postal address with ß', () => {
  it('is sent: the recipient sees the address', async () => {
    const outbox: OutgoingEmail[] = [];
    const closed: string[] = [];
    const deps = recordingSendDeps(outbox, closed);
    const request = marketingRequest(
      '<p>Hallo</p><a href="{{ unsubscribe_url }}">Abmelden</a><p>{{ workspace.postalAddress | upcase }}</p>',
      {
        idempotencyKey: 'api#generated#eszett',
        context: {
          contact: { email: 'ada@example.com' },
          workspace: { name: 'Bäckerei Müller', postalAddress: 'Hauptstraße 5, 10115 Berlin' },
          unsubscribe_url: 'https://app.example/u/tok-123',
        },
      },
    );
    const outcome = await sendEmail(request, deps);
    expect(closed).toEqual([]);
    expect(outcome.status).toBe('sent');
  });
});
