/**
 * The marketing lint checks what a template renders, not only what its source writes: an
 * unsubscribe link or postal address inside Liquid that never outputs (`{% if false %}`,
 * `{% raw %}`, a condition on a contact field) leaves the mail without it, so the save is refused.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { assertSavable, type TemplateInput } from '../../../shared/email/stored-templates';
import { assertTemplateParses, missingMarketingParts, type TemplateContent } from '../../../shared/email/templates';
import { ValidationError } from '../../../shared/errors';

const LINK = '<a href="{{ unsubscribe_url }}">Unsubscribe</a>';
const ADDRESS = '<p>{{ workspace.postalAddress }}</p>';
const items = (content: TemplateContent) => missingMarketingParts(content, 'marketing').map((m) => m.item);
const html = (body: string): TemplateContent => ({ subject: 'News', html: `<p>News</p>${body}` });

describe('with the template engines loaded', () => {
  beforeAll(async () => {
    await assertTemplateParses({ subject: 's', html: '<p>x</p>' });
  });

  it.each([
    ['if false', `{% if false %}${LINK}{% endif %}`],
    ['raw', `{% raw %}${LINK}{% endraw %}`],
    ['unless true', `{% unless true %}${LINK}{% endunless %}`],
    ['a condition on a contact field', `{% if contact.firstName == "Ada" %}${LINK}{% endif %}`],
    ['a loop over nothing', `{% for t in contact.tags %}${LINK}{% endfor %}`],
    ['a capture never output', `{% capture footer %}${LINK}{% endcapture %}`],
    ['inside a script', `<script>${LINK}</script>`],
    ['inside a textarea', `<textarea>${LINK}</textarea>`],
    ['a URL added to', '<a href="{{ unsubscribe_url }}&x=1">Unsubscribe</a>'],
    ['a URL changed by a filter', '<a href="{{ unsubscribe_url | url_encode }}">Unsubscribe</a>'],
  ])('refuses an unsubscribe link that does not render as one (%s)', (_label, hidden) => {
    expect(items(html(`${hidden}${ADDRESS}`))).toEqual(['unsubscribe_link']);
  });

  it.each([
    ['if false', `{% if false %}${ADDRESS}{% endif %}`],
    ['raw', `{% raw %}${ADDRESS}{% endraw %}`],
  ])('refuses a postal address that never renders (%s)', (_label, hidden) => {
    expect(items(html(`${LINK}${hidden}`))).toEqual(['postal_address']);
    expect(items({ ...html(LINK), text: `Bye. ${hidden}` })).toEqual(['postal_address']);
  });

  it.each([
    ['plain', `${LINK}${ADDRESS}`],
    ['single quotes, spaces and trim marks', `<a class="u" href=' {{- unsubscribe_url -}} '>Leave</a>${ADDRESS}`],
    ['unquoted with an escape filter', `<a\n data-x='1' href={{- unsubscribe_url | escape -}}>Leave</a>${ADDRESS}`],
    ['upper-case tag and attribute', `<A HREF="{{ unsubscribe_url }}">Leave</A>${ADDRESS}`],
    [
      'under a condition that holds',
      `{% if unsubscribe_url %}${LINK}{% endif %}{% if workspace.postalAddress %}${ADDRESS}{% endif %}`,
    ],
    ['a filtered address', `${LINK}<p>{{ workspace.postalAddress | upcase | newline_to_br }}</p>`],
    ['Liquid comments and HTML comments around', `{% comment %}x{% endcomment %}<!-- y -->${LINK}${ADDRESS}`],
  ])('accepts a template that renders both (%s)', (_label, body) => {
    expect(items(html(body))).toEqual([]);
  });

  it('accepts the postal address in the text part', () => {
    expect(items({ ...html(LINK), text: 'Bye. {{ workspace.postalAddress }}' })).toEqual([]);
  });

  it('still wants the source rule: the link written as {{ unsubscribe_url }} in an href, not in a comment', () => {
    expect(items(html(`<!-- ${LINK} -->${ADDRESS}`))).toEqual(['unsubscribe_link']);
    expect(items(html(`{% assign u = unsubscribe_url %}<a href="{{ u }}">x</a>${ADDRESS}`))).toEqual([
      'unsubscribe_link',
    ]);
  });

  // Review round 19 (r19h): a lint render that fails no longer skips the every-recipient rule
  // (its failure may come from the lint's sample values only): both parts are reported, with why.
  it('reports both parts for a template the lint cannot render, saying why', () => {
    const runaway = '{% for i in (1..100000000) %}{{ i }}{% endfor %}';
    const missing = missingMarketingParts(html(`${runaway}${LINK}${ADDRESS}`), 'marketing');
    expect(missing.map((m) => m.item)).toEqual(['unsubscribe_link', 'postal_address']);
    expect(missing[0]?.message).toMatch(/could not render the template/);
  });

  it.each([
    ['if false', `{% if false %}${LINK}{% endif %}`],
    ['raw', `{% raw %}${LINK}{% endraw %}`],
  ])('refuses the save with TEMPLATE_LINT_FAILED (%s)', async (_label, hidden) => {
    const input: TemplateInput = { name: 'n', category: 'marketing', subject: 'News', html: `${hidden}${ADDRESS}` };
    const refused = await assertSavable(input).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(ValidationError);
    expect(refused).toMatchObject({ code: 'TEMPLATE_LINT_FAILED', details: [{ item: 'unsubscribe_link' }] });
  });
});

describe('before anything loaded the template engines', () => {
  it('applies the source rule alone (every save and preview loads them first)', async () => {
    vi.resetModules();
    const fresh = await import('../../../shared/email/templates');
    const hidden = html(`{% if false %}${LINK}{% endif %}${ADDRESS}`);
    expect(fresh.missingMarketingParts(hidden, 'marketing')).toEqual([]);
    expect(fresh.missingMarketingParts(html(ADDRESS), 'marketing').map((m) => m.item)).toEqual(['unsubscribe_link']);
    await fresh.assertTemplateParses({ subject: 's', html: 'x' });
    expect(fresh.missingMarketingParts(hidden, 'marketing').map((m) => m.item)).toEqual(['unsubscribe_link']);
  });
});
