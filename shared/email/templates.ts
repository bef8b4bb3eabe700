/**
 * Email templates, rendered with liquidjs (a maintained, sandboxed Liquid engine: templates
 * cannot run code, and parse, render and memory limits bound what a template may cost).
 * HTML output escapes every merge field by default; the subject is rendered as text and
 * flattened to one line (it becomes a header); a plain-text part is generated from the HTML
 * when the template has none.
 *
 * Merge fields: `contact.*` (firstName, lastName, email, company, customFields.*),
 * `workspace.*` (name, postalAddress), `unsubscribe_url`. A missing field renders empty;
 * `{{ contact.firstName | default: "there" }}` gives it a fallback.
 */
import type { Liquid } from 'liquidjs';
import { ValidationError } from '../errors';
import { flattenToSingleLine } from '../security/single-line-text';
import type { EmailCategory } from './suppression-rules';

export interface TemplateContent {
  readonly subject: string;
  readonly html: string;
  /** Optional hand-written text part; generated from the HTML when absent. */
  readonly text?: string;
}

export interface MergeContext {
  readonly contact: Readonly<Record<string, unknown>>;
  readonly workspace: { readonly name: string; readonly postalAddress?: string };
  readonly unsubscribe_url?: string;
}

export interface RenderedEmail {
  readonly subject: string;
  readonly html: string;
  readonly text: string;
}

/**
 * The longest template part (html or text) a template may have, in characters (JavaScript string
 * length, as zod's `max` counts): the schemas of stored templates and inline sends allow this.
 */
export const TEMPLATE_PART_MAX_CHARS = 500_000;

/**
 * liquidjs's `parseLimit` bounds the characters (`String.length`) of the source one `parse()` call
 * reads; each part is parsed on its own, so it must let through the longest part the schemas
 * accept, or a valid template is refused as "parse length limit exceeded". `renderLimit` is in
 * milliseconds per render; `memoryLimit` bounds what filters and ranges may allocate.
 */
const LIMITS = { parseLimit: TEMPLATE_PART_MAX_CHARS, renderLimit: 500, memoryLimit: 5_000_000 } as const;

let engines: Promise<{ readonly html: Liquid; readonly text: Liquid }> | undefined;

/**
 * The two engines (HTML escapes what it outputs, text does not), made on first use: liquidjs
 * (~85 KB minified) is read by a function only when it first checks or renders a template, so
 * routes that never do (most of the campaigns and emails routes) do not load it at cold start.
 */
function liquid(): Promise<{ readonly html: Liquid; readonly text: Liquid }> {
  engines ??= import('liquidjs')
    .then(({ Liquid: Engine }) => ({
      html: new Engine({ outputEscape: 'escape', strictFilters: true, ownPropertyOnly: true, ...LIMITS }),
      text: new Engine({ strictFilters: true, ownPropertyOnly: true, ...LIMITS }),
    }))
    .catch((error: unknown) => {
      engines = undefined;
      throw error;
    });
  return engines;
}

/** Thrown for a template that does not parse or render: the author's error (400). */
export class TemplateError extends ValidationError {
  override name = 'TemplateError';
  constructor(message: string, options?: { cause?: unknown; details?: unknown }) {
    super(message, 'TEMPLATE_INVALID', options);
  }
}

/** Parses every part once; throws {@link TemplateError} naming the part that does not parse. */
export async function assertTemplateParses(content: TemplateContent): Promise<void> {
  const engine = await liquid();
  for (const [part, source] of Object.entries(content)) {
    if (typeof source !== 'string') continue;
    try {
      (part === 'html' ? engine.html : engine.text).parse(source);
    } catch (error) {
      const line = lineOf(error);
      throw new TemplateError(
        `The template's ${part} does not parse${line ? ` (line ${line})` : ''}: ${firstLine(error)}`,
        { details: [{ in: 'body', path: part, ...(line ? { line } : {}), message: firstLine(error) }] },
      );
    }
  }
}

/** The merge field of the workspace's postal address (the one name: `MergeContext.workspace.postalAddress`). */
export const POSTAL_ADDRESS_FIELD = 'workspace.postalAddress';

/** One part a marketing template lacks: `item` is stable, `message` says how to add it. */
export interface MissingPart {
  readonly item: 'unsubscribe_link' | 'postal_address';
  readonly message: string;
}

const field = (name: string) => `\\{\\{-?\\s*${name.replace('.', '\\.')}\\s*(?:\\|[^}]*)?-?\\}\\}`;
/** `<a ... href="{{ unsubscribe_url }}" ...>`: the link a reader can click. */
const UNSUBSCRIBE_HREF = new RegExp(`<a\\b[^>]*?\\bhref\\s*=\\s*["']?\\s*${field('unsubscribe_url')}`, 'i');
const POSTAL_ADDRESS = new RegExp(field(POSTAL_ADDRESS_FIELD));
/** What no reader sees: HTML comments and Liquid comment blocks. */
const visible = (source: string | undefined) =>
  (source ?? '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/\{%-?\s*comment\s*-?%\}[\s\S]*?\{%-?\s*endcomment\s*-?%\}/g, '');

/**
 * What a marketing template lacks to be sent lawfully (CAN-SPAM, Gmail/Yahoo bulk-sender
 * rules): a visible unsubscribe link (`{{ unsubscribe_url }}` as the `href` of an `<a>` in
 * the HTML) and the sender's postal address (`{{ workspace.postalAddress }}` in the HTML or
 * the text part). Comments do not count. Empty when complete, and always for transactional.
 */
export function missingMarketingParts(content: TemplateContent, category: EmailCategory): MissingPart[] {
  if (category !== 'marketing') return [];
  const missing: MissingPart[] = [];
  const html = visible(content.html);
  if (!UNSUBSCRIBE_HREF.test(html)) {
    missing.push({
      item: 'unsubscribe_link',
      message: 'an unsubscribe link (<a href="{{ unsubscribe_url }}">Unsubscribe</a>) in the HTML',
    });
  }
  if (!POSTAL_ADDRESS.test(html) && !POSTAL_ADDRESS.test(visible(content.text))) {
    missing.push({
      item: 'postal_address',
      message: "the workspace's postal address ({{ workspace.postalAddress }}) in the HTML or the text",
    });
  }
  return missing;
}

/** Renders `content` for one recipient. */
export async function renderTemplate(content: TemplateContent, context: MergeContext): Promise<RenderedEmail> {
  const engine = await liquid();
  try {
    const scope = { ...context };
    const [subject, html, text] = await Promise.all([
      engine.text.parseAndRender(content.subject, scope),
      engine.html.parseAndRender(content.html, scope),
      content.text === undefined ? undefined : engine.text.parseAndRender(content.text, scope),
    ]);
    return { subject: flattenToSingleLine(subject), html, text: text ?? htmlToText(html) };
  } catch (error) {
    throw new TemplateError(`The template could not be rendered: ${firstLine(error)}`);
  }
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: ' ' };

/** A readable plain-text part from HTML: links keep their target, blocks become lines. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style|head)[^>]*>[\s\S]*?<\/\1>/gi, '')
    .replace(/<a\s[^>]*href\s*=\s*["']([^"']*)["'][^>]*>([\s\S]*?)<\/a>/gi, (_m, href: string, label: string) => {
      const text = label.replace(/<[^>]+>/g, '').trim();
      return text && text !== href ? `${text} (${href})` : href;
    })
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|h[1-6]|li|tr|table)>/gi, '\n\n')
    .replace(/<li[^>]*>/gi, '- ')
    .replace(/<[^>]+>/g, '')
    .replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_m, e: string) => ENTITIES[e] ?? '')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** The line liquidjs names in a parse error (`..., line:3, col:6`). */
const lineOf = (error: unknown): number | undefined => {
  const found = /line:(\d+)/.exec(String((error as Error)?.message ?? ''));
  return found ? Number(found[1]) : undefined;
};

const firstLine = (error: unknown) =>
  String((error as Error)?.message ?? error)
    .split('\n')[0]
    ?.slice(0, 200) ?? '';
