/**
 * Raw-HTML handling for the markdown sanitizer (internal; not part of the public barrel).
 * Tags are read the way the HTML tokenizer reads them (quoted values may contain `>`; an
 * unclosed tag or quote runs to the end of the input), so what is inspected here is what
 * a browser would build.
 */
import { own } from './own';

/** Removed with their content; an unclosed one swallows the rest, as in a browser. */
const BLOCK_ELEMENTS = new Set([
  'script',
  'style',
  'iframe',
  'object',
  'applet',
  'frameset',
  'noscript',
  'noembed',
  'noframes',
]);
/** Removed as a tag only (void elements, or elements whose content is harmless text). */
const TAG_ONLY_ELEMENTS = new Set(['embed', 'frame', 'base', 'meta', 'link']);
export const DANGEROUS_ELEMENTS: readonly string[] = [...BLOCK_ELEMENTS, ...TAG_ONLY_ELEMENTS];

const TAG_START = /<(\/?)([a-zA-Z][^\s/>]*)/g;
const SEPARATOR = /[\s/]*/y;
const ATTRIBUTE = /([^\s/>][^\s/>=]*)(?:\s*=\s*("[^"]*(?:"|$)|'[^']*(?:'|$)|[^\s>]*))?/y;
const CLOSING_TAG = new Map(
  [...BLOCK_ELEMENTS].map((name) => [name, new RegExp(`</${name}(?=[\\s/>]|$)[^>]*(?:>|$)`, 'gi')]),
);

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  colon: ':',
  tab: '\t',
  newline: '\n',
  lpar: '(',
  rpar: ')',
  sol: '/',
  bsol: '\\',
  period: '.',
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};
const ENTITY = /&(?:#(\d+)|#x([0-9a-f]+)|([a-z]+));?/gi;
const IGNORED_IN_URL = /[\p{Cc} \u00a0\u200b-\u200d\u2028\u2029\ufeff]/gu;
const MARKDOWN_ESCAPE = /\\(?=[!-/:-@[-`{-~])/g;
const SCRIPT_SCHEME = /(?:java|vb|live)script:/;
const DANGEROUS_DATA = /data:(?!(?:image\/(?:png|gif|jpe?g|webp|avif|bmp)|text\/plain)[;,])/;
const DANGEROUS_CSS = /expression|javascript|vbscript|behaviou?r|binding|@import|url\(/;

/** Decodes the character references an attacker uses to hide a scheme (numeric, and the few named ones). */
function decodeEntities(s: string): string {
  return s.replace(ENTITY, (whole, dec: string | undefined, hex: string | undefined, name: string | undefined) => {
    if (name !== undefined) return own(NAMED_ENTITIES, name.toLowerCase()) ?? whole;
    const code = Number.parseInt(dec ?? hex ?? '', dec === undefined ? 16 : 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : '\ufffd';
  });
}

/**
 * True when a URL (or any attribute value, or a markdown link destination) would run script
 * or load active content once entities, markdown escapes and the whitespace browsers ignore
 * are taken out. Raster `data:image/...` and `data:text/plain` stay allowed.
 */
export function isDangerousUrl(value: string): boolean {
  const v = decodeEntities(value).replace(MARKDOWN_ESCAPE, '').replace(IGNORED_IN_URL, '').toLowerCase();
  return SCRIPT_SCHEME.test(v) || DANGEROUS_DATA.test(v);
}

interface Attribute {
  readonly text: string;
  readonly name: string;
  readonly value: string | undefined;
}

function keepAttribute({ name, value }: Attribute): boolean {
  const n = name.toLowerCase();
  if (n.startsWith('on') || n === 'srcdoc') return false;
  if (value === undefined) return true;
  const unquoted = value.replace(/^["']|["']$/g, '');
  if (isDangerousUrl(unquoted)) return false;
  const decoded = decodeEntities(unquoted).replace(/\\/g, '').toLowerCase();
  if (n === 'style' && DANGEROUS_CSS.test(decoded.replace(/\s|\/\*[\s\S]*?\*\//g, ''))) return false;
  // SVG animation can retarget an attribute: <set attributeName="onclick" to="...">.
  return !(n === 'attributename' && /^\s*(?:on|href|xlink:href)/.test(decoded));
}

/**
 * Removes dangerous elements (blocks with their content) and, from every other tag, event
 * handler attributes, `srcdoc`, attributes whose value is a script/HTML URL and style
 * attributes with CSS expressions. Everything else is reproduced byte for byte.
 */
export function sanitizeTags(text: string): string {
  let out = '';
  let pos = 0;
  for (;;) {
    TAG_START.lastIndex = pos;
    const match = TAG_START.exec(text);
    if (match === null) break;
    const [opener, slash = '', rawName = ''] = match;
    const name = rawName.toLowerCase();
    const tag = readTag(text, match.index + opener.length);
    out += text.slice(pos, match.index);
    pos = tag.end;
    if (BLOCK_ELEMENTS.has(name) && slash === '') pos = endOfBlock(text, name, tag.end);
    if (BLOCK_ELEMENTS.has(name) || TAG_ONLY_ELEMENTS.has(name) || isDangerousUrl(rawName)) continue;
    const kept = tag.attributes.map(([separator, attribute]) =>
      keepAttribute(attribute) ? separator + attribute.text : '',
    );
    out += `<${slash}${rawName}${kept.join('')}${tag.rest}`;
  }
  return out + text.slice(pos);
}

function readTag(text: string, from: number) {
  const attributes: Array<[string, Attribute]> = [];
  let i = from;
  for (;;) {
    SEPARATOR.lastIndex = i;
    const separator = SEPARATOR.exec(text)?.[0] ?? '';
    i += separator.length;
    if (i >= text.length) return { attributes, end: text.length, rest: separator };
    if (text[i] === '>') return { attributes, end: i + 1, rest: `${separator}>` };
    ATTRIBUTE.lastIndex = i;
    const m = ATTRIBUTE.exec(text);
    if (m === null) return { attributes, end: text.length, rest: text.slice(i - separator.length) }; // unreachable
    attributes.push([separator, { text: m[0], name: m[1] ?? '', value: m[2] }]);
    i += m[0].length;
  }
}

function endOfBlock(text: string, name: string, from: number): number {
  const closing = CLOSING_TAG.get(name);
  if (closing === undefined) return text.length;
  closing.lastIndex = from;
  const match = closing.exec(text);
  return match === null ? text.length : match.index + match[0].length;
}
