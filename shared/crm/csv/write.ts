/**
 * RFC 4180 CSV writing, safe to open in a spreadsheet (OWASP "CSV Injection"): a cell that would
 * begin a formula is prefixed with `'` so it is never evaluated. That is a cell starting with a
 * control character (tab, CR, LF, NUL, ESC, DEL...: a spreadsheet may drop it and read what follows
 * as a formula), or whose first character that is not blank is `=`, `+`, `-` or `@`: spreadsheets
 * trim or drop leading white space (spaces, tabs, NBSP, U+3000...), control characters and
 * invisible format characters (U+200B ZERO WIDTH SPACE, U+2060 WORD JOINER, U+FEFF, soft hyphen,
 * direction marks...) before reading a formula, so `\u200b=HYPERLINK(...)` is marked as
 * `=HYPERLINK(...)` is. {@link unescapeFormula} undoes exactly that prefix, so an exported file
 * imports back unchanged.
 *
 * A spreadsheet whose locale separates lists with `;` (German or French Excel opening a `.csv`)
 * splits a line at every `;`, quotes or not (a quote inside its field is a plain character, so a
 * quoted line break ends the row there too): the text after any `;`, CR or LF in a cell starts a
 * cell in such a spreadsheet. {@link markAfterBreaks} puts the same `'` there before a formula
 * start (behind blanks too) or a control character (which a spreadsheet may drop before reading a
 * formula), and {@link unmarkAfterBreaks} removes exactly those marks.
 */

/**
 * What a spreadsheet may skip before a formula start: white space (`\p{Zs}`, U+2028, U+2029),
 * control characters (C0, DEL, C1) and format characters (`\p{Cf}`), but for CR and LF (a line
 * break is a break of its own, judged after it: see AFTER_BREAK). One character class, so a long
 * run of them is scanned once (alternatives that overlap under `*` would backtrack exponentially).
 */
const BLANKS = String.raw`[\p{Zs}\p{Cf}\u2028\u2029\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f]*`;
/** A control character: C0 (tab, CR and LF included), DEL, C1. */
const CONTROL = String.raw`[\x00-\x1f\x7f-\x9f]`;
/**
 * A cell starting with a control character (a spreadsheet may drop it and read what follows as a
 * formula), or a formula start behind blanks. Also a value that already starts with `'`s before
 * such a start, so unescaping is exact.
 */
const NEEDS_PREFIX = new RegExp(String.raw`^'*(?:${CONTROL}|${BLANKS}[=+\-@])`, 'u');
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;
/**
 * A `;`, CR or LF, then `'`s, then a control character other than CR and LF, or a formula start
 * behind blanks (a CRLF is one break, and the break's own start is judged after it). The blanks
 * stop at the next break, so marking one break never changes what another one is followed by.
 */
const AFTER_BREAK = String.raw`(?='*(?:[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f]|${BLANKS}[=+\-@]))`;
const AFTER_BREAK_MARK = new RegExp(String.raw`([;\r\n])${AFTER_BREAK}`, 'gu');
const AFTER_BREAK_MARKED = new RegExp(String.raw`([;\r\n])'${AFTER_BREAK}`, 'gu');

/** `text` with a `'` after every `;` or line break that a `;`-separating spreadsheet would read as a formula's cell start. */
export const markAfterBreaks = (text: string): string => text.replace(AFTER_BREAK_MARK, "$1'");

/** Undoes {@link markAfterBreaks} exactly. */
export const unmarkAfterBreaks = (text: string): string => text.replace(AFTER_BREAK_MARKED, '$1');

/** One cell: formula-neutralised (also after each `;` and line break), quoted when needed. */
export function csvCell(value: string | number | boolean | undefined | null): string {
  if (value === undefined || value === null) return '';
  let text = markAfterBreaks(String(value));
  if (NEEDS_PREFIX.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record, CRLF-terminated as RFC 4180 asks. */
export const csvRow = (values: ReadonlyArray<string | number | boolean | undefined | null>): string =>
  `${values.map(csvCell).join(',')}\r\n`;

/** Removes the marks {@link csvCell} put: the `'` before a formula-like value, and those after its `;`s and line breaks. */
export const unescapeFormula = (text: string): string =>
  unmarkAfterBreaks(text.startsWith("'") && NEEDS_PREFIX.test(text.slice(1)) ? text.slice(1) : text);
