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
import { Liquid } from 'liquidjs';
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

const LIMITS = { parseLimit: 200_000, renderLimit: 500, memoryLimit: 5_000_000 } as const;
const htmlEngine = new Liquid({ outputEscape: 'escape', strictFilters: true, ownPropertyOnly: true, ...LIMITS });
const textEngine = new Liquid({ strictFilters: true, ownPropertyOnly: true, ...LIMITS });

/** Thrown for a template that does not parse or render: the author's error (400). */
export class TemplateError extends ValidationError {
  override name = 'TemplateError';
  constructor(message: string, options?: { cause?: unknown; details?: unknown }) {
    super(message, 'TEMPLATE_INVALID', options);
  }
}

/** Parses every part once; throws {@link TemplateError} naming the part that does not parse. */
export function assertTemplateParses(content: TemplateContent): void {
  for (const [part, source] of Object.entries(content)) {
    if (typeof source !== 'string') continue;
    try {
      (part === 'html' ? htmlEngine : textEngine).parse(source);
    } catch (error) {
      throw new TemplateError(`The template's ${part} does not parse: ${firstLine(error)}`, {
        details: [{ in: 'body', path: part, message: firstLine(error) }],
      });
    }
  }
}

/**
 * What a marketing template lacks to be sent lawfully: a visible unsubscribe link and the
 * sender's postal address (CAN-SPAM, Gmail/Yahoo bulk-sender rules). Empty when complete.
 */
export function missingMarketingParts(content: TemplateContent, category: EmailCategory): string[] {
  if (category !== 'marketing') return [];
  const missing: string[] = [];
  if (!/href\s*=\s*["']?\s*\{\{-?\s*unsubscribe_url\b/.test(content.html)) {
    missing.push('an unsubscribe link (<a href="{{ unsubscribe_url }}">Unsubscribe</a>) in the HTML');
  }
  if (!/\{\{-?\s*workspace\.postalAddress\b/.test(content.html)) {
    missing.push("the workspace's postal address ({{ workspace.postalAddress }}) in the HTML");
  }
  return missing;
}

/** Renders `content` for one recipient. */
export async function renderTemplate(content: TemplateContent, context: MergeContext): Promise<RenderedEmail> {
  try {
    const scope = { ...context };
    const [subject, html, text] = await Promise.all([
      textEngine.parseAndRender(content.subject, scope),
      htmlEngine.parseAndRender(content.html, scope),
      content.text === undefined ? undefined : textEngine.parseAndRender(content.text, scope),
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

const firstLine = (error: unknown) =>
  String((error as Error)?.message ?? error)
    .split('\n')[0]
    ?.slice(0, 200) ?? '';
