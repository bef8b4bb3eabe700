/**
 * Defect (MEDIUM): the "every recipient" marketing lint refuses compliant templates whose every
 * branch shows the unsubscribe link. The most common real case is a footer per language (or per
 * segment): `{% if contact.customFields.lang == "de" %}<a href="{{ unsubscribe_url }}">Abmelden</a>
 * {% else %}<a href="{{ unsubscribe_url }}">Unsubscribe</a>{% endif %}`: every recipient gets a link,
 * yet the save is 400 TEMPLATE_LINT_FAILED (unsubscribe_link "shown to some recipients only"), the
 * preview reports an error finding, and AI-copy approval refuses the same copy (copy-lint.ts uses
 * the same lint). Templates that saved before b2d6cc8 can no longer be edited.
 *
 * Root cause: shared/email/templates.ts forEveryRecipient: a branching tag whose arguments read
 * recipient data renders *nothing* (all branches dropped), instead of checking that the link/address
 * is present in every branch (an `if` with an `else`, a `case` with an `else`).
 *
 * Correct: a condition whose every branch (including its else) shows the link and address counts as
 * shown to every recipient: the save is accepted.
 */
import { describe, expect, it } from 'vitest';
import { assertSavable, type TemplateInput } from '../../../shared/email/stored-templates';
import type { ValidationError } from '../../../shared/errors';
import { ADDRESS, marketingTemplate as marketing } from './send-fixture';

const EN = '<a href="{{ unsubscribe_url }}">Unsubscribe</a>';
const DE = '<a href="{{ unsubscribe_url }}">Abmelden</a>';
const refusal = (input: TemplateInput) =>
  assertSavable(input).then(
    () => undefined,
    (error: unknown) => `${(error as ValidationError).code}: ${JSON.stringify((error as ValidationError).details)}`,
  );

describe('a link shown in every branch of a condition is shown to every recipient', () => {
  it('accepts a per-language footer written as if / else', async () => {
    const html = `<p>News</p>{% if contact.customFields.lang == "de" %}${DE}{% else %}${EN}{% endif %}${ADDRESS}`;
    expect(await refusal(marketing(html))).toBeUndefined();
  });

  it('accepts a per-language footer written as case / when / else', async () => {
    const html = `<p>News</p>{% case contact.customFields.lang %}{% when "de" %}${DE}{% else %}${EN}{% endcase %}${ADDRESS}`;
    expect(await refusal(marketing(html))).toBeUndefined();
  });
});
