/**
 * Review round 26 (e), the class: the other hand-written scans of mail HTML read markup as flat
 * text too, as click tracking did (r26e-href-inside-attribute-value.test.ts). Each now reads it as
 * a browser does (`tokenizeHtml`, shared/email/html-scan.ts; compared with parse5 in
 * r26e-fix-tokenizer-parse5.test.ts):
 * - the open pixel went before the last `</body>` written anywhere, a comment's or an attribute's
 *   text included: inside a comment it is never loaded, so no open of that mail was counted;
 * - click tracking wrapped `<a href>` written in a comment, a `<title>` or a `<textarea>` (text);
 * - the plain-text part (`htmlToText`) ended a tag at a quoted `>` (`title="5 > 3"` showed `3">`),
 *   a comment at its first `>`, took the last `href=` of a tag (one inside a title too) as the link,
 *   dropped everything from a `<header>` to a later `</head>`, and linked only quoted hrefs;
 * - the marketing lint's source rule (`hasUnsubscribeHrefField`) missed `{{ unsubscribe_url }}` as
 *   the href of an `<a>` with a quoted `>` before it (a good template refused) and took it written
 *   inside another attribute (`data-href=`, `title="href=..."`) or in a `<textarea>` as the link.
 * Each expectation below failed before the fix.
 */
import { describe, expect, it } from 'vitest';
import { hasUnsubscribeHrefField } from '../../../shared/email/merge-field-scan';
import { assertTemplateParses, htmlToText, missingMarketingParts } from '../../../shared/email/templates';
import { CLICK_PATH, instrumentHtml, OPEN_PATH } from '../../../shared/email/tracking';

const key = Buffer.alloc(32, 26);
const base = 'https://app.example.com';
const send = { workspaceId: 'ws-1', sendId: 'send-1', contactId: 'contact-1' };
const options = { baseUrl: base, key, issuedAtMs: 1_000_000 };
const pixelAt = (html: string) => html.indexOf(`<img src="${base}${OPEN_PATH}`);

describe('r26e: the open pixel goes before the real </body>', () => {
  it('not into a comment after it', () => {
    const html = '<html><body><p>Hi</p></body></html><!-- old footer </body> -->';
    const out = instrumentHtml(html, send, options).html;
    expect(pixelAt(out)).toBe(html.indexOf('</body>'));
    expect(out.endsWith('<!-- old footer </body> -->')).toBe(true);
  });

  it('not into an attribute value after it', () => {
    const html = '<body><p>Hi</p></body><p data-note="</body>">x</p>';
    const out = instrumentHtml(html, send, options).html;
    expect(pixelAt(out)).toBe(html.indexOf('</body>'));
  });

  it('not into a script or textarea', () => {
    const html = '<body><p>Hi</p></body><textarea>x</body></textarea>';
    expect(pixelAt(instrumentHtml(html, send, options).html)).toBe(html.indexOf('</body>'));
  });
});

describe('r26e: click tracking wraps links, not text that looks like one', () => {
  it('leaves an <a> in a comment, a title or a textarea alone', () => {
    const html =
      '<head><title><a href="https://t.test/"></title></head><!-- <a href="https://c.test/"> --><textarea><a href="https://x.test/"></textarea><a href="https://real.test/">Real</a>';
    const out = instrumentHtml(html, send, options);
    expect(out.wrapped).toBe(1);
    expect(out.html).toContain('<a href="https://t.test/">');
    expect(out.html).toContain('<a href="https://c.test/">');
    expect(out.html).toContain('<a href="https://x.test/">');
    expect(out.html).not.toContain('https://real.test/');
  });

  it('reads a single-quoted value holding a double-quoted href= and an unquoted href', () => {
    const html = `<a title='say href="https://o.test/"' href=https://good.test/x>Go</a>`;
    const out = instrumentHtml(html, send, options);
    expect(out.wrapped).toBe(1);
    expect(out.html).toMatch(
      new RegExp(`^<a title='say href="https://o\\.test/"' href="${base}${CLICK_PATH}[A-Za-z0-9_-]+">Go</a>`),
    );
  });

  it('does not take data-href or an <a-b> element for a link', () => {
    const html = '<a data-href="https://d.test/">x</a><a-b href="https://ab.test/">y</a-b>';
    expect(instrumentHtml(html, send, options).wrapped).toBe(0);
  });
});

describe('r26e: the plain-text part reads markup as a browser does', () => {
  it('keeps a quoted ">" inside its attribute', () => {
    expect(htmlToText('<p title="5 > 3">Compare</p>')).toBe('Compare');
  });

  it('drops a comment with ">" in it whole', () => {
    expect(htmlToText('<!-- a > b --><p>Hi</p>')).toBe('Hi');
  });

  it("links the <a>'s own href, not href= text in its title", () => {
    expect(htmlToText(`<a href="https://good.test/" title="see href='https://o.test/x'">Good</a>`)).toBe(
      'Good (https://good.test/)',
    );
  });

  it('links an unquoted href and decodes it', () => {
    expect(htmlToText('<a href=https://x.test/?a=1&amp;b=2>Shop</a>')).toBe('Shop (https://x.test/?a=1&b=2)');
  });

  it('keeps a <header> (only the head is dropped)', () => {
    expect(htmlToText('<header><p>Top</p></header><head><title>T</title></head><p>Body</p>')).toBe('Top\n\nBody');
  });

  it('keeps text after </p > and <br class>', () => {
    expect(htmlToText('<p>a</p ><p>b<br class="x">c</p>')).toBe('a\n\nb\nc');
  });
});

describe("r26e: the lint's source rule reads the unsubscribe href as a browser does", () => {
  it('finds it after a quoted ">"', () => {
    expect(hasUnsubscribeHrefField('<a title="5 > 3" href="{{ unsubscribe_url }}">Unsubscribe</a>')).toBe(true);
  });

  it('does not take it from another attribute or from raw text', () => {
    expect(hasUnsubscribeHrefField('<a title="see href={{ unsubscribe_url }}">x</a>')).toBe(false);
    expect(hasUnsubscribeHrefField('<a data-href="{{ unsubscribe_url }}">x</a>')).toBe(false);
    expect(hasUnsubscribeHrefField('<textarea><a href="{{ unsubscribe_url }}"></textarea>')).toBe(false);
  });

  it('a marketing template with a quoted ">" before its unsubscribe href saves', async () => {
    await assertTemplateParses({ subject: 's', html: '<p>x</p>' });
    const html = '<p>{{ workspace.postalAddress }}</p><a title="5 > 3" href="{{ unsubscribe_url }}">Unsubscribe</a>';
    expect(missingMarketingParts({ subject: 's', html }, 'marketing')).toEqual([]);
  });
});
