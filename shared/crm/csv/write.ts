/**
 * RFC 4180 CSV writing, safe to open in a spreadsheet: a cell that starts with `=`, `+`,
 * `-`, `@`, a tab or a carriage return is prefixed with `'` so it is never evaluated as a
 * formula (OWASP "CSV injection"). {@link unescapeFormula} undoes exactly that prefix, so
 * an exported file imports back unchanged.
 *
 * A spreadsheet whose locale separates lists with `;` (German or French Excel opening a `.csv`)
 * splits a line at every `;`, quotes or not (a quote inside its field is a plain character, so a
 * quoted line break ends the row there too): the text after any `;`, CR or LF in a cell starts a
 * cell in such a spreadsheet. {@link markAfterBreaks} puts the same `'` there before a formula
 * start or a control character (which a spreadsheet may drop before reading a formula), and
 * {@link unmarkAfterBreaks} removes exactly those marks.
 */

/** Also a value that already starts with `'`s before such a character, so unescaping is exact. */
const NEEDS_PREFIX = /^'*[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;
/**
 * A `;`, CR or LF, then `'`s, then a formula start or a control character other than CR and LF
 * (a CRLF is one break, and the break's own start is judged after it).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for.
const AFTER_BREAK_MARK = /([;\r\n])(?='*[=+\-@\x00-\x09\x0b\x0c\x0e-\x1f\x7f])/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for.
const AFTER_BREAK_MARKED = /([;\r\n])'(?='*[=+\-@\x00-\x09\x0b\x0c\x0e-\x1f\x7f])/g;

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
