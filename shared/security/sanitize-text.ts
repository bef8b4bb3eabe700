/**
 * Plain-text sanitizers: HTML encoding for text that lands in markup, and SQL-pattern
 * stripping as defence in depth.
 */

/** The default cap of {@link encodeHtml}, in UTF-16 code units of the (trimmed) input. */
export const DEFAULT_TEXT_MAX_LENGTH = 10_000;

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#x27;',
  '/': '&#x2F;',
};
const HTML_SPECIAL = /[&<>"'/]/g;

export interface EncodeHtmlOptions {
  /** Longest input kept, in UTF-16 code units; the rest is dropped. Default 10 000. */
  maxLength?: number;
}

/**
 * Trims `s`, caps it at `maxLength` and HTML-encodes `& < > " ' /` (as `&amp; &lt; &gt;
 * &quot; &#x27; &#x2F;`, the OWASP set), so the result is inert in element content and in
 * quoted attribute values. The cap applies to the input, before encoding, so an entity is
 * never cut in half (the output may be up to six times longer) and a surrogate pair is
 * never split.
 */
export function encodeHtml(s: string, { maxLength = DEFAULT_TEXT_MAX_LENGTH }: EncodeHtmlOptions = {}): string {
  if (!Number.isSafeInteger(maxLength) || maxLength < 0) throw new RangeError('maxLength must be a whole number');
  return capLength(s.trim(), maxLength)
    .trimEnd()
    .replace(HTML_SPECIAL, (c) => HTML_ESCAPES[c] ?? c);
}

function capLength(s: string, max: number): string {
  if (s.length <= max) return s;
  const code = s.charCodeAt(max - 1);
  const end = code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
  return s.slice(0, end);
}

const STATEMENT_KEYWORDS =
  'select|insert|update|delete|drop|alter|create|truncate|exec|execute|declare|grant|revoke|shutdown|union|merge|waitfor';

/** Each rule replaces what it matches; a space keeps the surrounding words apart. */
const SQL_RULES: ReadonlyArray<readonly [RegExp, string]> = [
  // Block comments, including MySQL's executable `/*! ... */` and `UNION/**/SELECT` spacing.
  [/\/\*[\s\S]*?(?:\*\/|$)/g, ' '],
  // `--` starts a comment that silences the rest of the query; one dash is just a dash.
  [/-{2,}/g, '-'],
  [new RegExp(`;(?=\\s*(?:${STATEMENT_KEYWORDS})\\b)`, 'gi'), ' '],
  [/\bunion(?:\s+(?:all|distinct))?\s+select\b/gi, ' '],
  // Tautologies: `OR 1=1`, `AND x = x`, `OR 'a'='a'` (the closing quote is often left to the query).
  [/\b(?:or|and)\s+(\w+)\s*(?:=|==|<=>|\blike\b)\s*\1(?!\w)/gi, ' '],
  [/\b(?:or|and)\s+(['"`])([^'"`]*)\1\s*(?:=|==|<=>|\blike\b)\s*\1\2\1?/gi, ' '],
  [/\b(?:exec(?:ute)?\s+)?(?:master\.\w*\.)?xp_\w*/gi, ' '],
  [
    /\b(?:drop|truncate|alter|create)\s+(?:table|database|schema|view|index|procedure|function|trigger|user|login)\b/gi,
    ' ',
  ],
  [/\bdelete\s+from\b/gi, ' '],
  [/\binsert\s+into\b/gi, ' '],
  [/\bshutdown\s+with\s+nowait\b/gi, ' '],
  [/\bwaitfor\s+delay\b/gi, ' '],
  [/\b(?:sleep|pg_sleep|benchmark|load_file)\(/gi, ' '],
  [/\binto\s+(?:out|dump)file\b/gi, ' '],
];

/**
 * Removes the textbook SQL-injection shapes from free text: `--` and `/* *\/` comments,
 * `;` chaining into another statement, `UNION SELECT`, `OR 1=1`-style tautologies, `xp_`
 * procedures, `DROP TABLE` and friends, time-based probes. Ordinary prose stays readable.
 *
 * Defence in depth only. This is NOT what protects the data: every DynamoDB access goes
 * through expression attribute values and every SQL query is parameterised, so input is
 * never spliced into a query. Use this to keep injection probes out of stored notes and
 * logs, never as a reason to build a query by concatenation.
 */
export function stripSqlPatterns(s: string): string {
  let out = s;
  // Removing one pattern can expose another (`UNION/**/SELECT`); a few passes settle it.
  for (let pass = 0; pass < 5; pass++) {
    const next = SQL_RULES.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), out);
    if (next === out) break;
    out = next;
  }
  return out;
}
