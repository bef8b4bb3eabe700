/**
 * The marketing lint's rule on a template's source, in linear time: where the source writes
 * `{{ unsubscribe_url }}` as the `href` of an `<a>` and `{{ workspace.postalAddress }}`, outside
 * HTML and Liquid comments. The comment and merge-field scans answer exactly what the regex named
 * in their comment answered (the unit tests compare them on random input), without its rescans: a
 * merge field's `| filters` run to the next `}`, found once for all the fields before it. The
 * `href` is read as a browser reads the tag (./html-scan.ts), not as text (review round 26).
 */
import { stripHtmlComments, tokenizeHtml } from './html-scan';
import { matchEnd, NextMatch, pastMatch, replaceSpans } from './linear-scan';

/**
 * `source.replace(/\{%-?\s*comment\s*-?%\}[\s\S]*?\{%-?\s*endcomment\s*-?%\}/g, '')`: Liquid
 * comment blocks dropped (each opening up to the next closing; an unclosed one, and all after it, kept).
 */
export function stripLiquidComments(source: string): string {
  const closing = new NextMatch(source, /\{%-?\s*endcomment\s*-?%\}/);
  return replaceSpans(
    source,
    /\{%-?\s*comment\s*-?%\}/g,
    (open) => {
      const close = closing.index(open.index + open[0].length);
      return pastMatch(close, closing.length);
    },
    () => '',
  );
}

/** What no reader sees taken out: HTML comments, then Liquid comment blocks. */
export const uncommentedSource = (source: string | undefined): string =>
  stripLiquidComments(stripHtmlComments(source ?? ''));

/**
 * Whether a merge field's output ends at `at` (after `{{ name` and white space): the rest of the
 * regex `(?:\|[^}]*)?-?\}\}`. `[^}]*` runs to the first `}`, which `nextBrace` finds (asked from
 * increasing positions, it reads the source once); `-?\}\}` then needs a second `}` right after.
 */
function fieldCloses(source: string, at: number, nextBrace: NextMatch): boolean {
  if (source[at] === '|') {
    const brace = nextBrace.index(at + 1);
    return brace >= 0 && source[brace + 1] === '}';
  }
  return source.startsWith('}}', source[at] === '-' ? at + 1 : at);
}

/**
 * Whether `source` outputs the merge field `name` (as `{{ name }}`, with white space, `-` trim
 * marks and filters) anywhere: the regex `\{\{-?\s*NAME\s*(?:\|[^}]*)?-?\}\}` testing true.
 */
export function hasMergeField(source: string, name: string): boolean {
  const opening = new RegExp(`\\{\\{-?\\s*${name.replace('.', '\\.')}\\s*`, 'y');
  const nextBrace = new NextMatch(source, /\}/);
  for (let at = source.indexOf('{{'); at >= 0; at = source.indexOf('{{', at + 1)) {
    const end = matchEnd(opening, source, at);
    if (end >= 0 && fieldCloses(source, end, nextBrace)) return true;
  }
  return false;
}

/** An `href` value's opening quote (if any) and `{{ unsubscribe_url`: `["']?\s*` cannot backtrack (what follows is `{`). */
const UNSUBSCRIBE_VALUE = /["']?\s*\{\{-?\s*unsubscribe_url\s*/iy;

/**
 * Whether `source` writes `{{ unsubscribe_url }}` (name in any case, filters allowed) as the
 * `href` of an `<a>`, read as a browser reads the tag ({@link tokenizeHtml}): the tag's first
 * `href` attribute (a whole name: not `data-href`, nor `href=` written inside another attribute's
 * quoted value), whose value, quoted or not, starts with the field; a `>` inside a quoted value
 * does not end the tag. One pass: the merge field's end is looked up from increasing positions.
 */
export function hasUnsubscribeHrefField(source: string): boolean {
  const nextBrace = new NextMatch(source, /\}/);
  let found = false;
  tokenizeHtml(source, (token) => {
    if (found || token.kind !== 'start' || token.tag.name !== 'a') return;
    const href = token.tag.spans.find((span) => span.name === 'href');
    if (!href || href.valueStart === href.end) return;
    const end = matchEnd(UNSUBSCRIBE_VALUE, source, href.valueStart);
    if (end >= 0 && fieldCloses(source, end, nextBrace)) found = true;
  });
  return found;
}
