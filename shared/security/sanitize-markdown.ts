/**
 * Markdown sanitizer for user-authored notes and templates. Two layers: a structural pass
 * that removes dangerous HTML and neutralises dangerous link destinations, then text-level
 * safety nets that hold for any input, even where a markdown renderer would read the text
 * differently from an HTML tokenizer (an unclosed quote across a blank line, say).
 */
import { ValidationError } from '../errors';
import { DANGEROUS_ELEMENTS, isDangerousUrl, sanitizeTags } from './sanitize-markup';

export const DEFAULT_MARKDOWN_MAX_LENGTH = 100_000;

// C0/C1 controls except the whitespace tab, newline, form feed and carriage return. Browsers
// once ignored NUL inside `java\0script:`; removing it exposes such words to the checks below.
const CONTROLS = /(?![\t\n\f\r])\p{Cc}/gu;

/** `[text](destination` and `![alt](<destination>`, with one level of balanced parentheses. */
const INLINE_LINK = /(\]\(\s*<?)([^\s()<>]*(?:\([^\s()<>]*\)[^\s()<>]*)*)/g;
/** `[ref]: destination` reference definitions. */
const REFERENCE_DEFINITION = /^( {0,3}\[[^\]\n]+\]:[ \t]*<?)(\S*)/gm;

// A scheme letter written plainly or as a decimal/hex character reference (`&#x61;`, `&#0000106`).
const letter = (ch: string) => {
  const codes = [ch.toLowerCase().charCodeAt(0), ch.toUpperCase().charCodeAt(0)];
  return `(?:${ch}|&#0*(?:${codes.join('|')});?|&#x0*(?:${codes.map((c) => c.toString(16)).join('|')});?)`;
};
// What browsers strip inside a URL (tab, LF, CR), plainly or as references.
const GAP = '(?:[\\t\\n\\r]|&(?:tab|newline);|&#0*(?:9|10|13);?|&#x0*(?:9|a|d);?)*';
const COLON = '(?:\\\\?:|&colon;|&#0*58;?|&#x0*3a;?)';
const scheme = (word: string) => [...word].map(letter).join(GAP) + GAP + COLON;
const SCRIPT_SCHEME = new RegExp(`${scheme('javascript')}|${scheme('vbscript')}|${scheme('livescript')}`, 'gi');
// `data:` followed directly by a media type other than a raster image or plain text.
const DATA_SCHEME = new RegExp(
  `${scheme('data')}${GAP}(?=(?!(?:image/(?:png|gif|jpe?g|webp|avif|bmp)|text/plain)[;,])[\\w.+\\-&#;\\\\]+/)`,
  'gi',
);
const EVENT_HANDLER = /\b(on\w+\s*)=/gi;
const DANGEROUS_TAG_OPENER = new RegExp(
  `<(?=/?(?:script|(?:${DANGEROUS_ELEMENTS.filter((e) => e !== 'script').join('|')})(?![\\w-])))`,
  'gi',
);

export interface SanitizeMarkdownOptions {
  /** Longest accepted input in UTF-16 code units. Default 100 000. */
  maxLength?: number;
}

/**
 * Makes user markdown safe to render, keeping ordinary markdown (headings, emphasis, lists,
 * tables, code, https/mailto/relative links, raster `data:image` images, harmless inline
 * HTML such as `<b>` or `<a href="https://...">`) byte for byte.
 *
 * Removed: `<script>`, `<style>`, `<iframe>`, `<object>`, `<applet>`, `<noscript>`... blocks
 * with their content (any case, any attributes, closing tags broken or missing), `<embed>`,
 * `<base>`, `<meta>`, `<link>`, `<frame>` tags, `on*` event-handler and `srcdoc` attributes,
 * attributes carrying a `javascript:`/`vbscript:`/`data:text/html` URL, CSS expressions.
 * Markdown links and images to such URLs point to `#` instead. Entity-, NUL-, tab- and
 * newline-obfuscated schemes (`jav&#x61;script:`, `java\nscript:`) are caught too.
 *
 * Safety nets for whatever is left, anywhere in the text: a script scheme becomes
 * `javascript :` (a relative URL to a browser, plain words to a reader), `onx=` becomes
 * `onx&#61;` (renders as `=`, but is no longer an attribute), and the `<` of a dangerous tag
 * becomes `&lt;`. Hence the guarantee: the output never matches `/<script/i`,
 * `/\bon\w+\s*=/i` or `/javascript:/i`. The price: code samples showing such HTML are altered.
 *
 * @throws ValidationError `MARKDOWN_TOO_LONG`
 */
export function sanitizeMarkdown(
  s: string,
  { maxLength = DEFAULT_MARKDOWN_MAX_LENGTH }: SanitizeMarkdownOptions = {},
): string {
  if (s.length > maxLength) {
    throw new ValidationError(`The text exceeds ${maxLength} characters`, 'MARKDOWN_TOO_LONG', {
      details: { maxLength },
    });
  }
  let out = s.replace(CONTROLS, '');
  // Removing one construct can join the halves of another (`<scr<script>x</script>ipt>`).
  for (let pass = 0; pass < 5; pass++) {
    const next = neutraliseSchemes(neutraliseLinks(sanitizeTags(out)));
    if (next === out) break;
    out = next;
  }
  // Each pass ends with neutraliseSchemes, and neither net below can form a scheme again.
  return out.replace(EVENT_HANDLER, '$1&#61;').replace(DANGEROUS_TAG_OPENER, '&lt;');
}

function neutraliseLinks(text: string): string {
  const replace = (whole: string, prefix: string, destination: string) =>
    isDangerousUrl(destination) ? `${prefix}#` : whole;
  return text.replace(INLINE_LINK, replace).replace(REFERENCE_DEFINITION, replace);
}

/** `jav&#x61;script:` becomes `javascript :`; the space is what no URL parser forgives. */
function neutraliseSchemes(text: string): string {
  const inert = (match: string) => `${decodeScheme(match)} :`;
  return text.replace(SCRIPT_SCHEME, inert).replace(DATA_SCHEME, inert);
}

/** The scheme's letters, with references decoded and gaps dropped (`Jav&#x61;script`). */
function decodeScheme(match: string): string {
  return match
    .replace(/&[a-z]+;/gi, '')
    .replace(/&#x0*([0-9a-f]{1,2});?/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
    .replace(/&#0*(\d{1,3});?/g, (_, dec: string) => String.fromCharCode(Number(dec)))
    .replace(/[^a-z]/gi, '');
}
