/**
 * RFC 4180 CSV writing, safe to open in a spreadsheet: a cell that starts with `=`, `+`,
 * `-`, `@`, a tab or a carriage return is prefixed with `'` so it is never evaluated as a
 * formula (OWASP "CSV injection"). {@link unescapeFormula} undoes exactly that prefix, so
 * an exported file imports back unchanged.
 */

/** Also a value that already starts with `'`s before such a character, so unescaping is exact. */
const NEEDS_PREFIX = /^'*[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** One cell: formula-neutralised, quoted when needed. */
export function csvCell(value: string | number | boolean | undefined | null): string {
  if (value === undefined || value === null) return '';
  let text = String(value);
  if (NEEDS_PREFIX.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record, CRLF-terminated as RFC 4180 asks. */
export const csvRow = (values: ReadonlyArray<string | number | boolean | undefined | null>): string =>
  `${values.map(csvCell).join(',')}\r\n`;

/** Removes the `'` that {@link csvCell} put before a formula-like value. */
export const unescapeFormula = (text: string): string =>
  text.startsWith("'") && NEEDS_PREFIX.test(text.slice(1)) ? text.slice(1) : text;
