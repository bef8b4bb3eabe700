/**
 * Linear-time scans of email HTML: the steps of the plain-text part (`htmlToText` in
 * ./templates.ts), the link rewriting and pixel placement of open and click tracking
 * (`instrumentHtml` in ./tracking.ts) and a small HTML tokenizer for the marketing lint of
 * rendered mail.
 *
 * Each step of the plain text and of tracking replaces what one regex of the earlier implementation replaced,
 * match for match (the unit tests compare them on random input), but finds each closing part
 * with {@link NextMatch}: an opening whose closing part is absent is passed over at once instead
 * of rescanning the rest of the document, so no input costs more than a few passes over it.
 */
import { matchEnd, NextMatch, pastMatch, replaceSpans } from './linear-scan';

/** `html.replace(/<(script|style|head)[^>]*>[\s\S]*?<\/\1>/gi, '')`: script, style and head elements dropped. */
export function dropScriptStyleHead(html: string): string {
  const opening = /<(script|style|head)/gi;
  const tagEnd = new NextMatch(html, />/);
  const closing: Record<string, NextMatch> = {
    script: new NextMatch(html, /<\/script>/i),
    style: new NextMatch(html, /<\/style>/i),
    head: new NextMatch(html, /<\/head>/i),
  };
  let out = '';
  let kept = 0;
  let from = 0;
  for (;;) {
    opening.lastIndex = from;
    const open = opening.exec(html);
    if (!open) break;
    const gt = tagEnd.index(open.index + open[0].length);
    // No `>` after this opening: none after any later one either.
    if (gt < 0) break;
    const close = closing[(open[1] ?? '').toLowerCase()] as NextMatch;
    const at = close.index(gt + 1);
    if (at < 0) {
      from = open.index + 1;
      continue;
    }
    out += html.slice(kept, open.index);
    kept = at + close.length;
    from = kept;
  }
  return out + html.slice(kept);
}

/**
 * `html.replace(/<a\s[^>]*href\s*=\s*["']([^"']*)["'][^>]*>([\s\S]*?)<\/a>/gi, (_, href, label) => replace(href, label))`.
 *
 * As the regex: an `<a` and a white space; the last `href` before the first `>` after them whose
 * `= "value"` (either quote, ending at the first quote) is followed by a `>` and, later, a `</a>`;
 * the label is what lies between that `>` and the first `</a>`. Whether an `href` can be completed
 * does not depend on the `<a` it follows, so the `<a`s before one `>` share one answer: the first
 * of them decides, and when it fails the scan moves past that `>`.
 */
export function replaceLinks(html: string, replace: (href: string, label: string) => string): string {
  const opening = /<a\s/gi;
  const assignment = /\s*=\s*["']/y;
  // One finder per kind of question, each asked from non-decreasing positions (see NextMatch).
  const firstTagEnd = new NextMatch(html, />/);
  const hrefWord = new NextMatch(html, /href/i);
  const quote = new NextMatch(html, /["']/);
  const tagEnd = new NextMatch(html, />/);
  const closing = new NextMatch(html, /<\/a>/i);
  let out = '';
  let kept = 0;
  let from = 0;
  for (;;) {
    opening.lastIndex = from;
    const open = opening.exec(html);
    if (!open) break;
    const attributes = open.index + 3;
    const firstGt = firstTagEnd.index(attributes);
    // Without a `>` no `href` of this or any later `<a` can be followed by one.
    if (firstGt < 0) break;
    let best: { value: [number, number]; label: [number, number] } | undefined;
    for (let word = hrefWord.index(attributes); word >= 0 && word < firstGt; word = hrefWord.index(word + 1)) {
      assignment.lastIndex = word + 4;
      if (!assignment.test(html)) continue;
      const valueStart = assignment.lastIndex;
      const valueEnd = quote.index(valueStart);
      if (valueEnd < 0) continue;
      const gt = tagEnd.index(valueEnd + 1);
      if (gt < 0) continue;
      const close = closing.index(gt + 1);
      if (close < 0) continue;
      best = { value: [valueStart, valueEnd], label: [gt + 1, close] };
    }
    if (!best) {
      from = firstGt + 1;
      continue;
    }
    out += html.slice(kept, open.index) + replace(html.slice(...best.value), html.slice(...best.label));
    kept = best.label[1] + 4;
    from = kept;
  }
  return out + html.slice(kept);
}

/** `html.replace(/<li[^>]*>/gi, replacement)`: each opening `<li` up to the next `>`. */
export function replaceListItemOpenings(html: string, replacement: string): string {
  const tagEnd = new NextMatch(html, />/);
  return replaceSpans(
    html,
    /<li/gi,
    (open) => pastMatch(tagEnd.index(open.index + 3), 1),
    () => replacement,
  );
}

/** `html.replace(/<[^>]+>/g, '')`: each `<` with at least one character before the next `>`, up to it. */
export function stripTags(html: string): string {
  const tagEnd = new NextMatch(html, />/);
  let out = '';
  let kept = 0;
  let from = 0;
  for (;;) {
    const lt = html.indexOf('<', from);
    if (lt < 0) break;
    const gt = tagEnd.index(lt + 1);
    if (gt < 0) break;
    if (gt === lt + 1) {
      from = lt + 1;
      continue;
    }
    out += html.slice(kept, lt);
    kept = gt + 1;
    from = kept;
  }
  return out + html.slice(kept);
}

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

/**
 * `html.replace(/<a\b[^>]*>/gi, replace)`: each start of an `a` tag (`<a` not followed by a letter,
 * digit or `_`) up to the first `>` after it. Without a `>` after an `<a` there is none after any
 * later one either, so the scan ends there instead of trying the rest of the document from each.
 */
export function replaceAnchorTags(html: string, replace: (tag: string) => string): string {
  return replaceSpans(html, /<a\b/gi, (open) => pastMatch(html.indexOf('>', open.index + 2), 1), replace);
}

// Read with matchEnd: `\s*=\s*` can only end at the first character after the spaces that follow
// the `=`, so backtracking into either run never finds another match (what follows would be a space).
const HREF_ASSIGNMENT = /\s*=\s*/y;
const BARE_VALUE = /[^\s"'>]+/y;
const SPACE = /\s/;

/**
 * `tag.replace(/(\shref\s*=\s*)(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/i, (attribute, prefix, dq, sq, bare) => ...)`:
 * the first `href` (any case) after a white space whose `=` is followed by a value (double quoted
 * up to the next `"`, single quoted up to the next `'`, or a bare run without white space, quotes
 * and `>`) is replaced by `replace(attribute, prefix, value)`; `value` is what the quotes enclose.
 * Each `href` is tried once, in order, and the closing quotes are found with {@link NextMatch}, so
 * a value that never closes does not send every later `href` to the end of the tag.
 */
export function replaceFirstHref(
  tag: string,
  replace: (attribute: string, prefix: string, value: string) => string,
): string {
  const word = /href/gi;
  const closing: Record<string, NextMatch> = { '"': new NextMatch(tag, /"/), "'": new NextMatch(tag, /'/) };
  for (let found = word.exec(tag); found; found = word.exec(tag)) {
    const start = found.index - 1;
    if (start < 0 || !SPACE.test(tag.charAt(start))) continue;
    const valueStart = matchEnd(HREF_ASSIGNMENT, tag, found.index + 4);
    if (valueStart < 0) continue;
    const quote = closing[tag.charAt(valueStart)];
    let value: string;
    let end: number;
    if (quote) {
      const close = quote.index(valueStart + 1);
      if (close < 0) continue;
      value = tag.slice(valueStart + 1, close);
      end = close + 1;
    } else {
      end = matchEnd(BARE_VALUE, tag, valueStart);
      if (end < 0) continue;
      value = tag.slice(valueStart, end);
    }
    return tag.slice(0, start) + replace(tag.slice(start, end), tag.slice(start, valueStart), value) + tag.slice(end);
  }
  return tag;
}

/**
 * Where the last `</body>` (`/<\/body\s*>/i`) starts, or -1: what
 * `html.search(/<\/body\s*>(?![\s\S]*<\/body\s*>)/i)` answers without reading the rest of the
 * document again after each one. Two of them cannot overlap (each has one `<`, its first
 * character), so the last of the matches found left to right is the one no other follows.
 */
export function lastClosingBody(html: string): number {
  const closing = /<\/body\s*>/gi;
  let last = -1;
  for (let found = closing.exec(html); found; found = closing.exec(html)) last = found.index;
  return last;
}

/** A start tag of the tokenizer: its name and attributes in lower case (the first of a repeated name wins). */
export interface StartTag {
  readonly name: string;
  readonly attributes: ReadonlyMap<string, string>;
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
 * A single pass over `html` after the HTML tokenizer's rules, simplified to what the lint needs:
 * `onStartTag` is called with each start tag and whether a reader sees it (it is outside every
 * hidden element and does not hide itself: {@link HIDING_ELEMENTS}, the `hidden` attribute, inline
 * `display: none`, `visibility: hidden`, `mso-hide: all`), and the text a reader sees is answered.
 * Comments end at `-->` or `--!>` (`<!-->` and `<!--->` are empty ones), bogus comments (`<!x`,
 * `<?x`, `</1`) at `>`; script, style and the other raw-text elements end at their end tag; an
 * unclosed comment, tag or raw-text element runs to the end of the document. Elements are nested
 * as written: an end tag closes the latest open element of its name and those opened inside it
 * (the parser's implied end tags, e.g. a `<p>` closed by a `<div>`, are not applied: an element
 * left open hides for longer, never shorter). Every search starts where the previous one stopped
 * and an absent end ends the scan, so the cost is one pass (and the open elements an end tag pops).
 */
export function scanHtml(html: string, onStartTag: (tag: StartTag, shown: boolean) => void): HtmlScan {
  let text = '';
  let endsOpen = false;
  let unmatchedEnds = 0;
  const open: { readonly name: string; readonly hidden: boolean }[] = [];
  // How many elements of each name are open: an end tag of none is known unmatched at once.
  const openByName = new Map<string, number>();
  let hiddenDepth = 0;
  const showText = (start: number, end: number) => {
    if (hiddenDepth === 0 && end > start) text += html.slice(start, end);
  };
  let at = 0;
  for (let lt = html.indexOf('<'); lt >= 0; lt = html.indexOf('<', at)) {
    showText(at, lt);
    at = lt + 1;
    if (html.startsWith('!--', at)) {
      const abrupt = matchEnd(/-?>/y, html, lt + 4);
      const close = new NextMatch(html, /--!?>/);
      const end = abrupt >= 0 ? abrupt : close.index(lt + 4) < 0 ? -1 : close.index(lt + 4) + close.length;
      endsOpen = end < 0;
      at = end < 0 ? html.length : end;
    } else if (matchEnd(/\/?[a-z]/iy, html, at) >= 0) {
      const endTag = html[at] === '/';
      const tag = readTag(html, endTag ? at + 1 : at);
      if (!tag) {
        // A tag cut off by the end of the document is no tag (and shows nothing).
        endsOpen = true;
        at = html.length;
        break;
      }
      at = tag.end;
      if (endTag) {
        if (!openByName.get(tag.name)) {
          unmatchedEnds++;
          continue;
        }
        // Each element is popped once: the pops of all end tags together are at most the pushes.
        for (let closed = open.pop(); closed; closed = closed.name === tag.name ? undefined : open.pop()) {
          openByName.set(closed.name, (openByName.get(closed.name) ?? 1) - 1);
          if (closed.hidden) hiddenDepth--;
        }
        continue;
      }
      const hidden = hides(tag);
      onStartTag(tag, hiddenDepth === 0 && !hidden);
      if (!VOID_ELEMENTS.test(tag.name)) {
        open.push({ name: tag.name, hidden });
        openByName.set(tag.name, (openByName.get(tag.name) ?? 0) + 1);
        if (hidden) hiddenDepth++;
      }
      if (RAW_TEXT.test(tag.name)) {
        // The content is text up to the element's end tag, or to the end of the document.
        const close =
          tag.name === 'plaintext'
            ? -1
            : new NextMatch(html, new RegExp(`</${tag.name}[\\t\\n\\f\\r />]`, 'i')).index(at);
        showText(at, close < 0 ? html.length : close);
        endsOpen = close < 0;
        at = close < 0 ? html.length : close;
      }
    } else if (matchEnd(/[!?/]/y, html, at) >= 0) {
      const gt = html.indexOf('>', at + 1);
      endsOpen = gt < 0;
      at = gt < 0 ? html.length : gt + 1;
    } else {
      // A `<` that starts nothing is text.
      showText(lt, at);
    }
  }
  showText(at, html.length);
  return { text, endsOpen, unmatchedEnds, openHidden: hiddenDepth };
}

/** A tag whose name starts at `from`: its name, attributes and where it ends (after `>`); undefined when unclosed. */
function readTag(html: string, from: number): (StartTag & { readonly end: number }) | undefined {
  let at = matchEnd(TAG_NAME, html, from);
  const name = html.slice(from, at).toLowerCase();
  const attributes = new Map<string, string>();
  for (;;) {
    at = matchEnd(BEFORE_ATTRIBUTE, html, at);
    if (at >= html.length) return undefined;
    if (html[at] === '>') return { name, attributes, end: at + 1 };
    // The first character is part of the name, even `=`.
    const nameEnd = matchEnd(ATTRIBUTE_NAME, html, at + 1);
    const attribute = html.slice(at, nameEnd).toLowerCase();
    at = matchEnd(TAG_SPACES, html, nameEnd);
    let value = '';
    if (html[at] === '=') {
      at = matchEnd(TAG_SPACES, html, at + 1);
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
    if (!attributes.has(attribute)) attributes.set(attribute, value);
  }
}
