/**
 * Building blocks for scanning template HTML in linear time. A backtracking regex such as
 * `<a\s[^>]*>[\s\S]*?<\/a>` rescans the rest of the document from every opening it cannot close,
 * so 300 KB of unclosed `<a ` costs minutes. The scanners built on these helpers look each needle
 * up once: {@link NextMatch} remembers where the next occurrence is, so asking from increasing
 * positions reads the text once in all, and a needle that is absent ends the search at once.
 */

/**
 * Where a sticky (`y`) regex's match at `at` ends, or -1 when it does not match there. The
 * regexes given are anchored runs of single characters: one attempt, linear in what it reads.
 */
export function matchEnd(sticky: RegExp, text: string, at: number): number {
  sticky.lastIndex = at;
  return sticky.test(text) ? sticky.lastIndex : -1;
}

/**
 * The next match of a pattern in one text, from a position. The answer is remembered: when the
 * next match at or after `from0` is at `at`, it is also the next one from any position in
 * `[from0, at]`, and when there is none after `from0` there is none after any later position. So
 * callers that ask from non-decreasing positions read each part of the text once in all.
 * The pattern must match at one place only what it would match there on its own (no lookbehind).
 */
export class NextMatch {
  private readonly pattern: RegExp;
  private askedFrom = -1;
  private foundAt = -1;
  /** The length of the match {@link index} last answered (0 when none). */
  length = 0;

  constructor(
    private readonly text: string,
    pattern: RegExp,
  ) {
    this.pattern = new RegExp(pattern.source, `${pattern.flags}g`);
  }

  /** Where the next match starting at or after `from` is, or -1. */
  index(from: number): number {
    if (this.askedFrom < 0 || from < this.askedFrom || (this.foundAt >= 0 && from > this.foundAt)) {
      this.pattern.lastIndex = from;
      const found = this.pattern.exec(this.text);
      this.askedFrom = from;
      this.foundAt = found ? found.index : -1;
      this.length = found ? found[0].length : 0;
    }
    return this.foundAt;
  }
}

/**
 * `text` without the run of `char` it ends with: `text.replace(/c+$/, '')` (for `/`, the trim of a
 * base URL) without trying `c+$` from every character of a run that does not end the text.
 */
export function trimEnd(text: string, char: string): string {
  let end = text.length;
  while (end > 0 && text[end - 1] === char) end -= 1;
  return text.slice(0, end);
}

/**
 * `text.replace(opening + everything up to its end, replace)` in one pass: each match of
 * `opening` (a global regex; never empty) up to the index `endOf` gives for it, or -1 when it has
 * none, in which case the scan stops: every caller's end is the next occurrence of a fixed closer
 * (a {@link NextMatch}, an indexOf), so without one after this opening there is none after a later
 * one either.
 */
export function replaceSpans(
  text: string,
  opening: RegExp,
  endOf: (open: RegExpExecArray) => number,
  replace: (span: string) => string,
): string {
  let out = '';
  let kept = 0;
  for (;;) {
    opening.lastIndex = kept;
    const open = opening.exec(text);
    if (!open) break;
    const end = endOf(open);
    if (end < 0) break;
    out += text.slice(kept, open.index) + replace(text.slice(open.index, end));
    kept = end;
  }
  return out + text.slice(kept);
}

/** The index just past `found` (a match of `length`), or -1 when nothing was found. */
export const pastMatch = (found: number, length: number): number => (found < 0 ? -1 : found + length);
