/**
 * The plain-text part and the marketing lint in linear time. htmlToText and the lint once used
 * backtracking regexes that rescanned the rest of the document from every opening they could
 * not close (`<a `, `<script`, `<!--`, ...): 300 KB of them took minutes. Each adversarial input
 * below is as long as a template part may be; on each, htmlToText or the lint took the quadratic
 * versions more than 5 s (the test timeout; most took minutes), the linear ones milliseconds. No
 * wall-clock time is asserted: a regression shows as a timeout.
 *
 * The comment and merge-field scans must also answer exactly what the regexes answered: they are
 * compared with them (kept below as the reference) on random documents small enough for the regexes
 * to be quick. The plain-text part and the unsubscribe `href` are read as a browser reads the markup
 * since review round 26 (an `href=` or a `>` inside a quoted attribute value, a comment or a script
 * is no markup; the regexes read it as markup, see test/unit/email/r26e-fix-html-text-and-lint.test.ts):
 * they are compared with the regexes on documents of well-formed markup, where the two readings agree.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasMergeField, hasUnsubscribeHrefField, uncommentedSource } from '../../../shared/email/merge-field-scan';
import {
  assertTemplateParses,
  htmlToText,
  missingMarketingParts,
  POSTAL_ADDRESS_FIELD,
  TEMPLATE_PART_MAX_CHARS,
} from '../../../shared/email/templates';

/** The regexes the scans replace, as they were: the reference for equal answers. */
const reference = (() => {
  const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: ' ' };
  const field = (name: string) => `\\{\\{-?\\s*${name.replace('.', '\\.')}\\s*(?:\\|[^}]*)?-?\\}\\}`;
  return {
    htmlToText: (html: string) =>
      html
        .replace(/<(script|style|head)[^>]*>[\s\S]*?<\/\1>/gi, '')
        .replace(/<a\s[^>]*href\s*=\s*["']([^"']*)["'][^>]*>([\s\S]*?)<\/a>/gi, (_m, href: string, label: string) => {
          const text = label.replace(/<[^>]+>/g, '').trim();
          return text && text !== href ? `${text} (${href})` : href;
        })
        .replace(/<br\s*\/?>/gi, '\n')
        .replace(/<\/(p|div|h[1-6]|li|tr|table)>/gi, '\n\n')
        .replace(/<li[^>]*>/gi, '- ')
        .replace(/<[^>]+>/g, '')
        .replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_m, e: string) => entities[e] ?? '')
        .replace(/[ \t]+\n/g, '\n')
        .replace(/\n{3,}/g, '\n\n')
        .trim(),
    uncommented: (source: string) =>
      source.replace(/<!--[\s\S]*?-->/g, '').replace(/\{%-?\s*comment\s*-?%\}[\s\S]*?\{%-?\s*endcomment\s*-?%\}/g, ''),
    unsubscribeHref: new RegExp(`<a\\b[^>]*?\\bhref\\s*=\\s*["']?\\s*${field('unsubscribe_url')}`, 'i'),
    postalAddress: new RegExp(field(POSTAL_ADDRESS_FIELD)),
  };
})();

/** Documents of pieces that open, close and half-close what the scans look for. */
const documents = fc
  .array(
    fc.constantFrom(
      '<a href="https://x.test/a">',
      `<a data-href='d' href="h">`,
      '<a href="{{ unsubscribe_url }}">',
      '<a\nhref = "u" >',
      '<a href={{- unsubscribe_url | escape -}}>',
      '<a title=">" href="t">',
      '<a href="',
      '<a ',
      '<A\t',
      '<a',
      'href',
      'HREF=',
      '=',
      '"',
      "'",
      '>',
      '<',
      '</a>',
      '</A>',
      'Click <b>here</b>',
      '<script>',
      '<SCRIPT type="x">',
      '</script>',
      '<style',
      '</style>',
      '<head>',
      '<header>',
      '</head>',
      '<br>',
      '<br />',
      '<p>',
      '</p>',
      '<li class="x">',
      '</li>',
      ' ',
      '\t',
      '\n',
      '\u00a0',
      'x',
      '&amp;',
      '&lt;',
      '&nbsp;',
      '<!--',
      '-->',
      '{% comment %}',
      '{%- endcomment -%}',
      '{%',
      '%}',
      '{{',
      '}}',
      '}',
      '|',
      '-',
      '{{ unsubscribe_url }}',
      '{{-UNSUBSCRIBE_URL|x-}}',
      'unsubscribe_url',
      '{{ workspace.postalAddress }}',
      '{{workspace.postalAddress | upcase',
    ),
    { maxLength: 40 },
  )
  .map((pieces) => pieces.join(''));

/** Documents of well-formed markup (quoted values without `<`, `>` or quotes, closed links and comments). */
const wellFormed = fc
  .array(
    fc.constantFrom(
      '<a href="https://x.test/a">Shop</a>',
      `<a data-href='d' href="h">h</a>`,
      '<a href="{{ unsubscribe_url }}">Unsubscribe</a>',
      '<a\nhref = "u" ><b>bold</b> link</a>',
      '<a class="c" href="https://x.test/?a=1&amp;b=2">x</a>',
      'Click <b>here</b>',
      '<script>x()</script>',
      '<SCRIPT type="x">y</script>',
      '<style>p{}</style>',
      '<head><title>T</title></head>',
      '<br>',
      '<br />',
      '<p>',
      '</p>',
      '<div class="d">',
      '</div>',
      '<li class="x">',
      '</li>',
      ' ',
      '\t',
      '\n',
      '\u00a0',
      'x',
      '&amp;',
      '&lt;',
      '&nbsp;',
      '&#39;',
      '<!-- note -->',
      '{% comment %}',
      '{%- endcomment -%}',
      '{{ unsubscribe_url }}',
      '<a href={{- unsubscribe_url | escape -}}>x</a>',
      '<a href="{{-UNSUBSCRIBE_URL|x-}}">y</a>',
      '{{ workspace.postalAddress }}',
    ),
    { maxLength: 40 },
  )
  .map((pieces) => pieces.join(''));

describe('the scans answer as the regexes did', () => {
  it('htmlToText, on well-formed markup', () => {
    fc.assert(
      fc.property(wellFormed, (html) => {
        // The regex took only quoted hrefs for links; a browser follows an unquoted one too.
        fc.pre(!html.includes('href={{'));
        expect(htmlToText(html)).toBe(reference.htmlToText(html));
      }),
      { numRuns: 5_000 },
    );
  });

  it('the lint of the source: comments and the postal address field', () => {
    fc.assert(
      fc.property(documents, (source) => {
        const uncommented = uncommentedSource(source);
        expect(uncommented).toBe(reference.uncommented(source));
        for (const text of [source, uncommented]) {
          expect(hasMergeField(text, POSTAL_ADDRESS_FIELD)).toBe(reference.postalAddress.test(text));
        }
      }),
      { numRuns: 5_000 },
    );
  });

  it('the lint of the source: the unsubscribe href, on well-formed markup', () => {
    fc.assert(
      fc.property(wellFormed, (source) => {
        const uncommented = uncommentedSource(source);
        expect(hasUnsubscribeHrefField(uncommented)).toBe(reference.unsubscribeHref.test(uncommented));
      }),
      { numRuns: 5_000 },
    );
  });
});

/** `piece` repeated to the longest template part the schemas accept. */
const longest = (piece: string) =>
  piece.repeat(Math.ceil(TEMPLATE_PART_MAX_CHARS / piece.length)).slice(0, TEMPLATE_PART_MAX_CHARS);

const adversarial: ReadonlyArray<readonly [string, string]> = [
  ['unclosed <a', longest('<a ')],
  ['unclosed <script', longest('<script')],
  ['unclosed <style', longest('<style')],
  ['unclosed <head', longest('<head')],
  ['unclosed <li', longest('<li')],
  ['< without >', longest('<')],
  ['unclosed <!--', longest('<!--')],
  ['unclosed {% comment %}', longest('{% comment %}')],
  ['spaces not ending a line', `${' '.repeat(TEMPLATE_PART_MAX_CHARS - 1)}x`],
  ['an href followed by spaces', `<a href=${' '.repeat(TEMPLATE_PART_MAX_CHARS - 8)}`],
  ['unsubscribe fields with unclosed filters', longest('<a href={{unsubscribe_url|')],
  ['address fields with unclosed filters', longest('{{workspace.postalAddress|')],
  ['an unclosed quoted attribute', longest('<a title="')],
  ['mixed', longest('<a href="x <script <style <head <!-- <li {{ workspace.postalAddress | <')],
];

describe('linear on adversarial HTML as long as a template part may be', () => {
  it.each(adversarial)('htmlToText: %s', (_label, html) => {
    expect(typeof htmlToText(html)).toBe('string');
  });

  it('htmlToText shows nothing of a tag the document cuts off (as a browser: it drops it)', () => {
    const html = longest('<a ');
    expect(htmlToText(html)).toBe('');
    expect(htmlToText(`<p>Hi</p>${html.slice(9)}`)).toBe('Hi');
  });

  it.each(adversarial)('the lint (whether or not the engines are loaded): %s', (_label, html) => {
    expect(missingMarketingParts({ subject: 's', html, text: html }, 'marketing').map((m) => m.item)).toEqual([
      'unsubscribe_link',
      'postal_address',
    ]);
  });

  describe('with the engines loaded (the lint renders the template too)', () => {
    beforeAll(async () => {
      await assertTemplateParses({ subject: 's', html: '<p>x</p>' });
    });

    it.each(adversarial)('the lint: %s', (_label, html) => {
      expect(missingMarketingParts({ subject: 's', html, text: html }, 'marketing')).toHaveLength(2);
    });

    it('the lint of a complete template padded with unclosed openings', () => {
      const html = `<p>{{ workspace.postalAddress }}</p><a href="{{ unsubscribe_url }}">Unsubscribe</a>${longest('<!--<a ').slice(100)}`;
      expect(missingMarketingParts({ subject: 's', html }, 'marketing')).toEqual([]);
    });
  });
});
