/**
 * Review round 26 (e), the class: every scan of mail HTML reads the markup as a browser does.
 * `tokenizeHtml` (shared/email/html-scan.ts), on which click tracking, the pixel's place, the
 * plain-text part and the marketing lint are built, is compared here with parse5's tokenizer (the
 * HTML standard's, switched into the raw-text states the way parse5's tree builder switches it) on
 * random documents of pieces that open, close, half-close and quote what the scans look for: the
 * same start tags with the same attributes (first of a repeated name), the same end tags, the same
 * comments, and the same place of each `<a>`'s `href` in the document (what tracking rewrites;
 * that it rewrites exactly the value is the second test's).
 * Then `instrumentHtml`'s output, read by parse5, is the input's markup with only `<a>` hrefs
 * changed (each into a click link sealing that href's target) and one pixel added.
 *
 * parse5 is a dev-only dependency here (through cheerio); the scan does not use it at run time:
 * the email functions are over their bundle budget, and parse5 with its entity tables is ~180 KB.
 * Left out of the pieces: `<script>` (its escaped states, `<!--<script>` inside a script, are not
 * followed: mail clients drop scripts), `\r` and NUL (parse5 normalises them before counting
 * offsets), foreign content (`<svg>`, `<math>`: CDATA sections there).
 */
import fc from 'fast-check';
import { type Token, Tokenizer, TokenizerMode } from 'parse5';
import { describe, expect, it } from 'vitest';
import { type AttributeSpan, tokenizeHtml } from '../../../shared/email/html-scan';
import { CLICK_PATH, decodeAttribute, instrumentHtml, OPEN_PATH } from '../../../shared/email/tracking';
import { openTrackingToken, redirectTarget } from '../../../shared/email/tracking-token';

const RAW_STATE: Readonly<Record<string, number>> = {
  style: TokenizerMode.RAWTEXT,
  xmp: TokenizerMode.RAWTEXT,
  iframe: TokenizerMode.RAWTEXT,
  noembed: TokenizerMode.RAWTEXT,
  noframes: TokenizerMode.RAWTEXT,
  title: TokenizerMode.RCDATA,
  textarea: TokenizerMode.RCDATA,
  plaintext: TokenizerMode.PLAINTEXT,
};

interface Tag {
  readonly kind: 'S' | 'E' | 'C';
  readonly name: string;
  readonly attributes: readonly (readonly [string, string])[];
  /** Where the tag's first `href` starts, for `<a>` (parse5's attribute locations end inconsistently). */
  readonly href?: number;
}

/** The tags and comments of `html` as parse5's tokenizer reads them. */
function parse5Tags(html: string): Tag[] {
  const tags: Tag[] = [];
  const ignore = () => undefined;
  const tokenizer: Tokenizer = new Tokenizer(
    { sourceCodeLocationInfo: true },
    {
      onComment: () => tags.push({ kind: 'C', name: '', attributes: [] }),
      onDoctype: () => tags.push({ kind: 'C', name: '', attributes: [] }),
      onStartTag: (token: Token.TagToken) => {
        const href = token.tagName === 'a' ? token.location?.attrs?.href : undefined;
        tags.push({
          kind: 'S',
          name: token.tagName,
          attributes: token.attrs.map((a) => [a.name, a.value] as const),
          ...(href ? { href: href.startOffset } : {}),
        });
        const state = RAW_STATE[token.tagName];
        if (state !== undefined) tokenizer.state = state as typeof tokenizer.state;
      },
      onEndTag: (token: Token.TagToken) => tags.push({ kind: 'E', name: token.tagName, attributes: [] }),
      onEof: ignore,
      onCharacter: ignore,
      onNullCharacter: ignore,
      onWhitespaceCharacter: ignore,
    },
  );
  tokenizer.write(html, true);
  return tags;
}

/** The same from our tokenizer (values decoded as the browser decodes these pieces' references). */
function ourTags(html: string): Tag[] {
  const tags: Tag[] = [];
  tokenizeHtml(html, (token) => {
    if (token.kind === 'comment') tags.push({ kind: 'C', name: '', attributes: [] });
    else if (token.kind === 'end') tags.push({ kind: 'E', name: token.name, attributes: [] });
    else if (token.kind === 'start') {
      const href: AttributeSpan | undefined =
        token.tag.name === 'a' ? token.tag.spans.find((span) => span.name === 'href') : undefined;
      tags.push({
        kind: 'S',
        name: token.tag.name,
        attributes: [...token.tag.attributes].map(([name, value]) => [name, decodeAttribute(value)] as const),
        ...(href ? { href: href.start } : {}),
      });
    }
  });
  return tags;
}

const documents = fc
  .array(
    fc.constantFrom(
      '<a href="https://x.test/a">',
      `<a class='b' href='http://y.test/b?q=1&amp;r=2'>`,
      '<A HREF=https://z.test/c>',
      '<a\nhref = " https://w.test/d " >',
      '<a data-href="https://no.test" href="https://yes.test">',
      '<a title=">" href="https://t.test">',
      '<a title="see href=https://o.test" href="https://g.test">',
      "<a title='x href=https://o.test'>",
      '<a title="Ann href=https://phish.test/">',
      '<a href="https://d.test" href="https://second.test">',
      '<a =x href=https://eq.test>',
      '<a x"y href=https://q.test>',
      '<a/href="https://s.test">',
      '<a href=https://b.test/>',
      '<a-b href="https://ab.test">',
      '<abbr title="https://t.test">',
      '<a href="',
      "<a href='",
      '<a href=',
      '<a ',
      '<a',
      '<a/',
      '<a>',
      ' href="https://h.test"',
      ' HREF=',
      'href',
      '=',
      '"',
      "'",
      '>',
      '<',
      '</',
      '</a>',
      '</ a>',
      '</1>',
      '</body>',
      '</BODY >',
      '</body',
      '<body>',
      '<!--',
      '-->',
      '--!>',
      '<!-->',
      '<!--->',
      '<!DOCTYPE html>',
      '<?xml?>',
      '<![CDATA[x]]>',
      '<title>',
      '</title>',
      '<textarea>',
      '</textarea >',
      '<style>',
      '</style>',
      ' ',
      '\t',
      '\n',
      'x',
      '&amp;',
      '&#x3e;',
      '&quot;',
    ),
    { maxLength: 30 },
  )
  .map((pieces) => pieces.join(''));

describe('r26e: the scans tokenize as the HTML standard does (parse5)', () => {
  it('the same tags, attributes, comments and href places', () => {
    fc.assert(
      fc.property(documents, (html) => {
        expect(ourTags(html)).toEqual(parse5Tags(html));
      }),
      { numRuns: 10_000 },
    );
  });

  it('instrumentHtml changes only <a> hrefs, each into a click link sealing its target, and adds one pixel', () => {
    const key = Buffer.alloc(32, 7);
    const base = 'https://app.example.com';
    const send = { workspaceId: 'ws-1', sendId: 'send-1', contactId: 'c-1' };
    fc.assert(
      fc.property(documents, (html) => {
        // A document that ends inside a tag, comment or raw text takes the pixel into it.
        fc.pre(!tokenizeHtml(html, () => undefined).endsOpen);
        const out = instrumentHtml(html, send, { baseUrl: base, key, issuedAtMs: 1 });
        const before = parse5Tags(html);
        const after = parse5Tags(out.html);
        const pixels = after.filter(
          (t) => t.name === 'img' && t.attributes.some(([n, v]) => n === 'src' && v.startsWith(`${base}${OPEN_PATH}`)),
        );
        expect(pixels).toHaveLength(1);
        // Right before the last </body> end tag, or after everything.
        const lastBody = after.findLastIndex((t) => t.kind === 'E' && t.name === 'body');
        expect(after.indexOf(pixels[0] as Tag)).toBe(lastBody >= 0 ? lastBody - 1 : after.length - 1);
        const withoutPixel = after.filter((t) => !pixels.includes(t));
        expect(withoutPixel.map((t) => [t.kind, t.name, t.attributes.map(([n]) => n)])).toEqual(
          before.map((t) => [t.kind, t.name, t.attributes.map(([n]) => n)]),
        );
        let changed = 0;
        withoutPixel.forEach((tag, i) => {
          const was = before[i] as Tag;
          tag.attributes.forEach(([name, value], j) => {
            const old = was.attributes[j]?.[1] ?? '';
            if (value === old) return;
            // Only the href of an <a>, and only into a click link sealing what the old one opened.
            expect([tag.name, name]).toEqual(['a', 'href']);
            expect(value.startsWith(`${base}${CLICK_PATH}`)).toBe(true);
            const sealed = openTrackingToken(value.slice(value.lastIndexOf('/') + 1), key);
            expect(sealed?.url).toBe(redirectTarget(old.trim()));
            changed++;
          });
        });
        expect(changed).toBe(out.wrapped);
      }),
      { numRuns: 3_000 },
    );
  });
});
