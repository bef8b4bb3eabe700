// Review round 19: this test failed at 6a48c48.
// The postal address was compared lower-cased only: "Hauptstraße" shown with `| upcase`
// ("HAUPTSTRASSE") was judged missing and every marketing mail of the workspace was closed. Both
// sides are now case-folded (and compatibility-normalised), in every script.
import { describe, expect, it } from 'vitest';
import { missingFromRendered, renderTemplate, type TemplateContent } from '../../../shared/email/templates';

const content: TemplateContent = {
  subject: 'News',
  html: '<a href="{{ unsubscribe_url }}">Unsubscribe</a><p>{{ workspace.postalAddress | upcase }}</p>',
};
const missingFor = async (postalAddress: string, html = content.html) => {
  const context = {
    contact: { email: 'a@example.com' },
    workspace: { name: 'W', postalAddress },
    unsubscribe_url: 'https://app.example/u/tok',
  };
  const rendered = await renderTemplate({ ...content, html }, context);
  return missingFromRendered({ ...content, html }, 'marketing', rendered, context).map((m) => m.item);
};

describe('an address shown in another case is found', () => {
  it.each([
    ['German ß', 'Hauptstraße 5, 10115 Berlin'],
    ['capital ẞ', 'HAUPTSTRAẞE 5'],
    ['Turkish dotted İ', 'İstiklal Caddesi 12, İstanbul'],
    ['Turkish dotless ı', 'Kadıköy Sokak 3'],
    ['Greek final sigma', 'Οδός Ερμού 10, Αθήνα'],
    ['Greek with a diaeresis and an accent', 'Οδός Πατησίων ΐ 4'],
    ['full-width digits', 'Chiyoda １－２－３, Tokyo'],
    ['a ligature', 'Ofﬁce 9, Main St'],
  ])('%s, upper-cased', async (_label, address) => {
    expect(await missingFor(address)).toEqual([]);
  });

  it('shown lower-cased, in capitals written by hand and with full-width digits written as ASCII', async () => {
    expect(
      await missingFor(
        'HAUPTSTRASSE 5',
        '<a href="{{ unsubscribe_url }}">U</a><p>{{ workspace.postalAddress | downcase }}</p>',
      ),
    ).toEqual([]);
    expect(
      await missingFor(
        'Hauptstraße 5',
        '<a href="{{ unsubscribe_url }}">U</a><p>HAUPTSTRASSE 5</p>{% if false %}{{ workspace.postalAddress }}{% endif %}',
      ),
    ).toEqual([]);
    expect(
      await missingFor(
        'Chiyoda １２３',
        '<a href="{{ unsubscribe_url }}">U</a><p>Chiyoda 123</p>{% if false %}{{ workspace.postalAddress }}{% endif %}',
      ),
    ).toEqual([]);
  });

  it('still misses another address', async () => {
    expect(
      await missingFor(
        'Hauptstraße 5',
        '<a href="{{ unsubscribe_url }}">U</a><p>Nebenstraße 5</p>{% if false %}{{ workspace.postalAddress }}{% endif %}',
      ),
    ).toEqual(['postal_address']);
  });
});
