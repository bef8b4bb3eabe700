/**
 * The marketing lint's rule on a template's source, in linear time: where the source writes
 * `{{ unsubscribe_url }}` as the `href` of an `<a>` and `{{ workspace.postalAddress }}`, outside
 * HTML and Liquid comments. Each function answers exactly what the regex named in its comment
 * answered (the unit tests compare them on random input), without its rescans: a merge field's
 * `| filters` run to the next `}`, found once for all the fields before it, and the optional
 * quote of an `href` no longer sits between two `\s*` that a run of spaces could be split across.
 */
import { stripHtmlComments } from './html-scan';
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

/** `href`, its `=`, an optional quote and `{{ unsubscribe_url`: `\s*["']?\s*` written so that it cannot backtrack. */
const UNSUBSCRIBE_HREF = /href\s*=\s*(?:["']\s*)?\{\{-?\s*unsubscribe_url\s*/iy;

/**
 * Whether `source` writes `{{ unsubscribe_url }}` as an `href` of an `<a>`: as the regex
 * `/<a\b[^>]*?\bhref\s*=\s*["']?\s*FIELD/i` (FIELD the merge field, name in any case) testing true.
 * An `href` qualifies when an `<a` comes before it with no `>` in between; the latest `<a` before
 * it is the one with the fewest characters in between, so one pass remembering the latest `<a`
 * and the latest `>` decides.
 */
export function hasUnsubscribeHrefField(source: string): boolean {
  const nextBrace = new NextMatch(source, /\}/);
  const word = /\w/;
  let latestA = -1;
  let latestGt = -1;
  for (let at = 0; at < source.length; at++) {
    const char = source[at];
    if (char === '>') {
      latestGt = at;
    } else if (char === '<') {
      if ((source[at + 1] === 'a' || source[at + 1] === 'A') && !word.test(source.charAt(at + 2))) latestA = at;
    } else if ((char === 'h' || char === 'H') && latestA > latestGt && !word.test(source.charAt(at - 1))) {
      const end = matchEnd(UNSUBSCRIBE_HREF, source, at);
      if (end >= 0 && fieldCloses(source, end, nextBrace)) return true;
    }
  }
  return false;
}
