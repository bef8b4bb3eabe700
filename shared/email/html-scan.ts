/**
 * Scans of email HTML read as a browser's tokenizer reads it (the HTML standard's tokenization,
 * simplified to what mail needs), in one pass: {@link tokenizeHtml} splits a document into text,
 * comments, start tags with their attributes (names in lower case, values as written, quoted values
 * taken whole: an `href=` or a `>` inside another attribute's quotes is that attribute's text), end
 * tags and the content of raw-text elements. On it are built the marketing lint's scan
 * ({@link scanHtml}), the links and pixel place of open and click tracking ({@link trackingPlaces},
 * `instrumentHtml` in ./tracking.ts) and the plain-text part ({@link htmlToPlainText}).
 *
 * Before review round 26 the tracking and plain-text scans were linear rewrites of regexes
 * (`/<a\b[^>]*>/`, `/\shref\s*=.../`, `/<\/body\s*>/`, `/<[^>]+>/`) and read markup as flat text:
 * `title="see href=https://x"` gave the link's target and `title="5 > 3"` ended the tag. A well-kept
 * tokenizer library (htmlparser2, parse5) was weighed: either adds 130-180 KB (minified, with its
 * entity tables) to the email functions' cold start, which are already over the bundle budget
 * (test/infra/bundle-budget.test.ts), for the few states mail needs; this one is tested against
 * parse5 instead (test/unit/email/r26e-fix-tokenizer-parse5.test.ts).
 *
 * Every search starts where the previous one stopped, and an absent closing part ends the scan, so
 * no input costs more than a few passes over it.
 */
import { matchEnd, NextMatch, pastMatch, replaceSpans } from './linear-scan';

/** `text.replace(/<!--[\s\S]*?-->/g, '')`: each `<!--` up to the next `-->` after it. */
export function stripHtmlComments(text: string): string {
  // An unclosed comment: no later `<!--` has a `-->` after it either.
  return replaceSpans(
    text,
    /<!--/g,
    (open) => pastMatch(text.indexOf('-->', open.index + 4), 3),
    () => '',
  );
}

/** An attribute of a start tag as written: `start` at its name, `valueStart` at its value (its quote, if any), `end` after it. */
export interface AttributeSpan {
  /** The name in ASCII lower case. */
  readonly name: string;
  /** The value as written (character references not decoded), without its quotes; empty without `=`. */
  readonly value: string;
  readonly start: number;
  /** Where the value starts (its opening quote when quoted); `end` when the attribute has no value. */
  readonly valueStart: number;
  readonly end: number;
}

/** A start tag of the tokenizer: its name and attributes in lower case (the first of a repeated name wins). */
export interface StartTag {
  readonly name: string;
  readonly attributes: ReadonlyMap<string, string>;
  /** Every attribute as written, in order (a repeated name too: the browser keeps the first). */
  readonly spans: readonly AttributeSpan[];
}

/**
 * Elements whose content is text up to their end tag: markup inside them is not markup
 * (`plaintext` runs to the end of the document).
 */
const RAW_TEXT = /^(?:script|style|textarea|title|xmp|iframe|noembed|noframes|plaintext)$/;

/**
 * Elements a reader never sees the content of in a mail: raw text that is not displayed (scripts,
 * styles, the title, an iframe's fallback), a template, a select's or datalist's content (a link
 * there is dropped by the parser), `noscript` (left out by the mail clients that keep it at all) and
 * the head.
 */
const HIDING_ELEMENTS = /^(?:script|style|title|iframe|noembed|noframes|template|select|datalist|noscript|head)$/;

/** Elements without content (no end tag): they hide nothing after them. */
const VOID_ELEMENTS = /^(?:area|base|br|col|embed|hr|img|input|keygen|link|meta|param|source|track|wbr)$/;

/** Inline CSS that hides an element: `display: none`, `visibility: hidden`, Outlook's `mso-hide: all`. */
const HIDING_STYLE = /display\s*:\s*none|visibility\s*:\s*hidden|mso-hide\s*:\s*all/i;

/** CSS comments dropped (each `/*` up to the next `*\/`; an unclosed one runs to the end), in one pass. */
function withoutCssComments(css: string): string {
  let out = '';
  let kept = 0;
  for (let open = css.indexOf('/*'); open >= 0; open = css.indexOf('/*', kept)) {
    out += css.slice(kept, open);
    const close = css.indexOf('*/', open + 2);
    kept = close < 0 ? css.length : close + 2;
  }
  return out + css.slice(kept);
}

/** Whether the start tag hides itself and its content: a hiding element, `hidden`, or inline CSS that hides it. */
const hides = (tag: StartTag): boolean =>
  HIDING_ELEMENTS.test(tag.name) ||
  tag.attributes.has('hidden') ||
  HIDING_STYLE.test(withoutCssComments(tag.attributes.get('style') ?? ''));

// Runs of one character class, read with matchEnd (HTML's white space: tab, LF, FF, CR, space).
const TAG_NAME = /[^\t\n\f\r />]*/y;
const BEFORE_ATTRIBUTE = /[\t\n\f\r /]*/y;
const ATTRIBUTE_NAME = /[^\t\n\f\r />=]*/y;
const TAG_SPACES = /[\t\n\f\r ]*/y;
const UNQUOTED_VALUE = /[^\t\n\f\r >]*/y;

/** A name in ASCII lower case, as the tokenizer folds tag and attribute names (`İ` stays `İ`). */
const asciiLower = (name: string): string => name.replace(/[A-Z]+/g, (upper) => upper.toLowerCase());

/** What {@link tokenizeHtml} reports, in document order; `start` and `end` are indexes into the document. */
export type HtmlToken =
  | { readonly kind: 'text'; readonly start: number; readonly end: number }
  /** A comment, a bogus comment (`<!x>`, `<?x>`, `</1>`) or a doctype. */
  | { readonly kind: 'comment'; readonly start: number; readonly end: number }
  | { readonly kind: 'start'; readonly tag: StartTag; readonly start: number; readonly end: number }
  | { readonly kind: 'end'; readonly name: string; readonly start: number; readonly end: number }
  /** The content of a raw-text element (`script`, `style`, `title`, `textarea`, ...): text, whatever it looks like. */
  | { readonly kind: 'raw'; readonly name: string; readonly start: number; readonly end: number };

/**
 * One pass over `html` after the HTML tokenizer's rules: comments end at `-->` or `--!>`
 * (`<!-->` and `<!--->` are empty ones), bogus comments (`<!x`, `<?x`, `</1`) and doctypes at `>`;
 * a tag's attributes are read as the browser reads them (a quoted value runs to its closing quote,
 * `>` and `href=` in it included; names folded to ASCII lower case); script, style and the other
 * raw-text elements run to their end tag; a `<` that starts nothing is text. An unclosed comment or
 * raw-text element runs to the end of the document, and a tag cut off by it is no tag (the browser
 * drops it): then `endsOpen` is true, as it is for a document ending in `</` (text, but what
 * follows it would make it a tag or a comment). `</>` is nothing.
 */
export function tokenizeHtml(html: string, onToken: (token: HtmlToken) => void): { readonly endsOpen: boolean } {
  const commentEnd = new NextMatch(html, /--!?>/);
  const text = (start: number, end: number) => {
    if (end > start) onToken({ kind: 'text', start, end });
  };
  let at = 0;
  for (let lt = html.indexOf('<'); lt >= 0; lt = html.indexOf('<', at)) {
    text(at, lt);
    at = lt + 1;
    if (html.startsWith('!--', at)) {
      const abrupt = matchEnd(/-?>/y, html, lt + 4);
      const close = commentEnd.index(lt + 4);
      const end = abrupt >= 0 ? abrupt : close < 0 ? -1 : close + commentEnd.length;
      onToken({ kind: 'comment', start: lt, end: end < 0 ? html.length : end });
      if (end < 0) return { endsOpen: true };
      at = end;
    } else if (matchEnd(/\/?[a-z]/iy, html, at) >= 0) {
      const endTag = html[at] === '/';
      const tag = readTag(html, endTag ? at + 1 : at);
      // A tag cut off by the end of the document is no tag (and shows nothing).
      if (!tag) return { endsOpen: true };
      at = tag.end;
      if (endTag) {
        onToken({ kind: 'end', name: tag.name, start: lt, end: at });
        continue;
      }
      onToken({ kind: 'start', tag, start: lt, end: at });
      if (RAW_TEXT.test(tag.name)) {
        // The content is text up to the element's end tag, or to the end of the document.
        const close =
          tag.name === 'plaintext'
            ? -1
            : new NextMatch(html, new RegExp(`</${tag.name}[\\t\\n\\f\\r />]`, 'i')).index(at);
        const end = close < 0 ? html.length : close;
        if (end > at) onToken({ kind: 'raw', name: tag.name, start: at, end });
        if (close < 0) return { endsOpen: true };
        at = close;
      }
    } else if (html[at] === '/' && (at + 1 === html.length || html[at + 1] === '>')) {
      // `</>` is nothing; `</` at the end of the document is text, but what would follow it is read with it.
      if (at + 1 === html.length) {
        text(lt, html.length);
        return { endsOpen: true };
      }
      at += 2;
    } else if (matchEnd(/[!?/]/y, html, at) >= 0) {
      const gt = html.indexOf('>', at + 1);
      onToken({ kind: 'comment', start: lt, end: gt < 0 ? html.length : gt + 1 });
      if (gt < 0) return { endsOpen: true };
      at = gt + 1;
    } else {
      // A `<` that starts nothing is text.
      text(lt, at);
    }
  }
  text(at, html.length);
  return { endsOpen: false };
}

/** What {@link scanHtml} found. */
export interface HtmlScan {
  /** The text a reader sees: outside comments, tags, hidden elements and raw text that is not displayed. */
  readonly text: string;
  /** Whether the document ends inside a comment, a tag or a raw-text element (what follows it would be in there too). */
  readonly endsOpen: boolean;
  /** End tags that close no element the document opened: in a larger document they close one opened before. */
  readonly unmatchedEnds: number;
  /** Elements that hide their content, opened and left open: they would hide what follows the document. */
  readonly openHidden: number;
}

/**
 * The marketing lint's pass over `html` ({@link tokenizeHtml}): `onStartTag` is called with each
 * start tag and whether a reader sees it (it is outside every hidden element and does not hide
 * itself: {@link HIDING_ELEMENTS}, the `hidden` attribute, inline `display: none`,
 * `visibility: hidden`, `mso-hide: all`), and the text a reader sees is answered. Elements are
 * nested as written: an end tag closes the latest open element of its name and those opened inside
 * it (the parser's implied end tags, e.g. a `<p>` closed by a `<div>`, are not applied: an element
 * left open hides for longer, never shorter). The cost is one pass (and the open elements an end tag pops).
 */
export function scanHtml(html: string, onStartTag: (tag: StartTag, shown: boolean) => void): HtmlScan {
  let text = '';
  let unmatchedEnds = 0;
  const open: { readonly name: string; readonly hidden: boolean }[] = [];
  // How many elements of each name are open: an end tag of none is known unmatched at once.
  const openByName = new Map<string, number>();
  let hiddenDepth = 0;
  const { endsOpen } = tokenizeHtml(html, (token) => {
    if (token.kind === 'text' || token.kind === 'raw') {
      if (hiddenDepth === 0) text += html.slice(token.start, token.end);
    } else if (token.kind === 'end') {
      if (!openByName.get(token.name)) {
        unmatchedEnds++;
        return;
      }
      // Each element is popped once: the pops of all end tags together are at most the pushes.
      for (let closed = open.pop(); closed; closed = closed.name === token.name ? undefined : open.pop()) {
        openByName.set(closed.name, (openByName.get(closed.name) ?? 1) - 1);
        if (closed.hidden) hiddenDepth--;
      }
    } else if (token.kind === 'start') {
      const { tag } = token;
      const hidden = hides(tag);
      onStartTag(tag, hiddenDepth === 0 && !hidden);
      if (!VOID_ELEMENTS.test(tag.name)) {
        open.push({ name: tag.name, hidden });
        openByName.set(tag.name, (openByName.get(tag.name) ?? 0) + 1);
        if (hidden) hiddenDepth++;
      }
    }
  });
  return { text, endsOpen, unmatchedEnds, openHidden: hiddenDepth };
}

/** Where open and click tracking edits a document: found by {@link trackingPlaces}. */
export interface TrackingPlaces {
  /** The `href` of each `<a>` start tag (the first `href` of the tag, as the browser keeps it), in order. */
  readonly hrefs: readonly AttributeSpan[];
  /** Where the last `</body>` end tag starts (outside comments, attribute values and raw text), or -1. */
  readonly lastClosingBody: number;
}

/**
 * The links and the pixel's place of a document, as a browser reads it ({@link tokenizeHtml}):
 * an `href` written inside another attribute's value (`title="see href=https://x"`), in a
 * comment or in raw text is none, and neither is such a `</body>`; a tag ends at its first `>`
 * outside quotes.
 */
export function trackingPlaces(html: string): TrackingPlaces {
  const hrefs: AttributeSpan[] = [];
  let lastClosingBody = -1;
  tokenizeHtml(html, (token) => {
    if (token.kind === 'start' && token.tag.name === 'a') {
      const href = token.tag.spans.find((span) => span.name === 'href');
      if (href) hrefs.push(href);
    } else if (token.kind === 'end' && token.name === 'body') {
      lastClosingBody = token.start;
    }
  });
  return { hrefs, lastClosingBody };
}

/** HTML's ASCII white space, which a browser strips from both ends of a URL. */
export const trimAsciiSpace = (text: string): string => {
  let start = 0;
  let end = text.length;
  while (start < end && ' \t\n\f\r'.includes(text.charAt(start))) start++;
  while (end > start && ' \t\n\f\r'.includes(text.charAt(end - 1))) end--;
  return text.slice(start, end);
};

const TEXT_REFERENCE = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|(amp|lt|gt|quot|apos|nbsp));/g;
const TEXT_NAMED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** Text with the common character references decoded (`&nbsp;` as a plain space, for the text part). */
const decodeText = (text: string): string =>
  text.replace(TEXT_REFERENCE, (m, dec: string | undefined, hex: string | undefined, name: string | undefined) => {
    if (name) return TEXT_NAMED[name] ?? m;
    const code = dec ? Number(dec) : Number.parseInt(hex ?? '', 16);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
  });

/** Raw-text elements whose content is shown (the others are not displayed). */
const SHOWN_RAW_TEXT = /^(?:textarea|xmp|plaintext)$/;
/** What a `<head>` holds: any other start tag (or `<body>`) starts the body, as in the parser. */
const IN_HEAD = /^(?:title|meta|link|style|script|base|noscript|template|basefont|bgsound)$/;
/** End tags after which the text part starts a paragraph. */
const BLOCK_END = /^(?:p|div|h[1-6]|li|tr|table)$/;

/**
 * A readable plain-text part from HTML, read as a browser reads it ({@link tokenizeHtml}): the
 * text outside tags, comments and the head (scripts, styles and the other raw text that is not
 * displayed dropped); `<br>` a line break, the end of a paragraph, `div`, heading, list item, table
 * row or table an empty line, a list item `- `; a link (`<a>` with an `href`) `label (href)`, or the
 * href alone when it has no label or the label is the href; the common character references
 * decoded. White space before a line break is dropped, runs of empty lines become one.
 */
export function htmlToPlainText(html: string): string {
  let out = '';
  // The link being read: its href and the label so far.
  let link: { readonly href: string; label: string } | undefined;
  let inHead = false;
  const write = (text: string) => {
    if (link) link.label += text;
    else out += text;
  };
  const closeLink = () => {
    if (!link) return;
    const { href, label } = link;
    link = undefined;
    const text = label.trim();
    out += text && text !== href ? `${text} (${href})` : href;
  };
  tokenizeHtml(html, (token) => {
    if (token.kind === 'text') {
      const text = html.slice(token.start, token.end);
      // Text other than white space in the head starts the body, as in the parser.
      if (inHead && trimAsciiSpace(text) !== '') inHead = false;
      if (!inHead) write(decodeText(text));
    } else if (token.kind === 'raw') {
      if (!inHead && SHOWN_RAW_TEXT.test(token.name)) write(decodeText(html.slice(token.start, token.end)));
    } else if (token.kind === 'start') {
      const { name } = token.tag;
      if (name === 'head') inHead = true;
      else if (inHead && !IN_HEAD.test(name)) inHead = false;
      if (inHead) return;
      if (name === 'br') {
        if (!link) out += '\n';
      } else if (name === 'li') {
        if (!link) out += '- ';
      } else if (name === 'a') {
        // An `<a>` inside another closes it, as in the parser.
        closeLink();
        const href = token.tag.attributes.get('href');
        if (href !== undefined) link = { href: trimAsciiSpace(decodeText(href)), label: '' };
      }
    } else if (token.kind === 'end') {
      if (token.name === 'head') inHead = false;
      if (inHead) return;
      if (token.name === 'a') closeLink();
      else if (token.name === 'br' && !link) out += '\n';
      else if (BLOCK_END.test(token.name) && !link) out += '\n\n';
    }
  });
  closeLink();
  return out
    .replace(/(?<![ \t])[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** A tag whose name starts at `from`: its name, attributes and where it ends (after `>`); undefined when unclosed. */
function readTag(html: string, from: number): (StartTag & { readonly end: number }) | undefined {
  let at = matchEnd(TAG_NAME, html, from);
  const name = asciiLower(html.slice(from, at));
  const attributes = new Map<string, string>();
  const spans: AttributeSpan[] = [];
  for (;;) {
    at = matchEnd(BEFORE_ATTRIBUTE, html, at);
    if (at >= html.length) return undefined;
    if (html[at] === '>') return { name, attributes, spans, end: at + 1 };
    const start = at;
    // The first character is part of the name, even `=`.
    const nameEnd = matchEnd(ATTRIBUTE_NAME, html, at + 1);
    const attribute = asciiLower(html.slice(at, nameEnd));
    at = nameEnd;
    let value = '';
    let valueStart = nameEnd;
    const afterName = matchEnd(TAG_SPACES, html, nameEnd);
    if (html[afterName] === '=') {
      at = matchEnd(TAG_SPACES, html, afterName + 1);
      valueStart = at;
      const quote = html[at];
      if (quote === '"' || quote === "'") {
        const close = html.indexOf(quote, at + 1);
        if (close < 0) return undefined;
        value = html.slice(at + 1, close);
        at = close + 1;
      } else {
        const end = matchEnd(UNQUOTED_VALUE, html, at);
        value = html.slice(at, end);
        at = end;
      }
    }
    spans.push({ name: attribute, value, start, valueStart, end: at });
    if (!attributes.has(attribute)) attributes.set(attribute, value);
  }
}
