/**
 * Email templates, rendered with liquidjs (a maintained, sandboxed Liquid engine: templates
 * cannot run code, and parse, render and memory limits bound what a template may cost).
 * Templates have no file system: the tags that load another template by name (`include`,
 * `render`, `layout`) are refused when a template is parsed, and the engines' file system holds
 * no file, so no template can read one of the server's (see {@link FILE_TAGS}).
 * HTML output escapes every merge field by default; the subject is rendered as text and
 * flattened to one line (it becomes a header); a plain-text part is generated from the HTML
 * when the template has none.
 *
 * Merge fields: `contact.*` (firstName, lastName, email, company, customFields.*),
 * `workspace.*` (name, postalAddress), `unsubscribe_url`. A missing field renders empty;
 * `{{ contact.firstName | default: "there" }}` gives it a fallback.
 */
import type { FS, Liquid, LiquidOptions } from 'liquidjs';
import { ValidationError } from '../errors';
import { flattenToSingleLine } from '../security/single-line-text';
import {
  dropScriptStyleHead,
  replaceLinks,
  replaceListItemOpenings,
  scanHtml,
  stripHtmlComments,
  stripTags,
} from './html-scan';
import { hasMergeField, hasUnsubscribeHrefField, uncommentedSource } from './merge-field-scan';
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

/**
 * The Liquid tags that load another template by name: liquidjs reads it through the engine's file
 * system (by default node:fs under the working directory, where the function's bundle, or locally
 * `.data/` with the master key, lives). An email template is one self-contained text, so each of
 * them is refused where the template is parsed: a save answers 400 `TEMPLATE_INVALID` naming the
 * tag, and a template stored before (or an inline send) fails to render, which the sender closes.
 */
export const FILE_TAGS = ['include', 'render', 'layout'] as const;

const noFile = (file: string) => new Error(`An email template cannot load a file (${file})`);

/**
 * A file system with no file in it, in place of liquidjs's node:fs: were a tag that loads a
 * template ever parsed (a tag liquidjs adds later), the lookup finds nothing and reads nothing.
 */
const NO_FILES: FS = {
  exists: async () => false,
  existsSync: () => false,
  readFile: async (file) => {
    throw noFile(file);
  },
  readFileSync: (file) => {
    throw noFile(file);
  },
  resolve: (_dir, file) => file,
  contains: async () => false,
  containsSync: () => false,
  fallback: () => undefined,
};

/**
 * What every engine shares (each gets its own copy: liquidjs writes into the object it is given):
 * no file system and no directory to look in (`fs`, `root`, `partials`, `layouts`; `templates`,
 * which would replace them with a map of its own, is left unset), no relative lookups, no cache
 * of loaded files; the limits.
 */
const OPTIONS: LiquidOptions = {
  fs: NO_FILES,
  root: [],
  partials: [],
  layouts: [],
  relativeReference: false,
  extname: '',
  cache: false,
  strictFilters: true,
  ownPropertyOnly: true,
  ...LIMITS,
};

/** Replaces each of {@link FILE_TAGS} with a tag that refuses to parse, naming itself. */
function withoutFileTags(engine: Liquid): Liquid {
  for (const tag of FILE_TAGS) {
    engine.registerTag(tag, {
      parse() {
        throw new Error(`The {% ${tag} %} tag is not allowed: an email template cannot load another template or file`);
      },
      render() {
        throw noFile(tag);
      },
    });
  }
  return engine;
}

interface Engines {
  readonly html: Liquid;
  readonly text: Liquid;
}

let engines: Promise<Engines> | undefined;
/** The engines once made: what the synchronous marketing lint renders with. */
let loadedEngines: Engines | undefined;

/**
 * The two engines (HTML escapes what it outputs, text does not), made on first use: liquidjs
 * (~85 KB minified) is read by a function only when it first checks or renders a template, so
 * routes that never do (most of the campaigns and emails routes) do not load it at cold start.
 */
function liquid(): Promise<Engines> {
  engines ??= import('liquidjs')
    .then(({ Liquid: Engine }) => {
      loadedEngines = {
        html: withoutFileTags(new Engine({ ...OPTIONS, outputEscape: 'escape' })),
        text: withoutFileTags(new Engine({ ...OPTIONS })),
      };
      return loadedEngines;
    })
    .catch((error: unknown) => {
      engines = undefined;
      throw error;
    });
  return engines;
}

/**
 * Loads the template engine, so the synchronous marketing lint that follows checks the rendered
 * output (a link hidden in `{% if false %}` counts as missing), not only the source.
 */
export async function templateEngineReady(): Promise<void> {
  await liquid();
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

/**
 * The values the lint renders a marketing template with. Neither changes when HTML-escaped or
 * URL-parsed, so the rendered HTML holds them as written; the address is found in any case
 * (`| upcase`, `| capitalize` keep it an address).
 */
const LINT_UNSUBSCRIBE_URL = 'https://unsubscribe.invalid/marketing-lint-7c1e2a';
const LINT_POSTAL_ADDRESS = 'postal-address-marketing-lint-7c1e2a';

/** What a marketing template shows once rendered, for the lint (see {@link missingMarketingParts}). */
interface Shown {
  readonly unsubscribeLink: boolean;
  readonly postalAddress: boolean;
}

/**
 * What the source writes outside HTML and Liquid comments: `{{ unsubscribe_url }}` as an `<a>`'s
 * `href`, `{{ workspace.postalAddress }}` in the HTML or the text part.
 */
function writtenParts(content: TemplateContent): Shown {
  const html = uncommentedSource(content.html);
  return {
    unsubscribeLink: hasUnsubscribeHrefField(html),
    postalAddress:
      hasMergeField(html, POSTAL_ADDRESS_FIELD) || hasMergeField(uncommentedSource(content.text), POSTAL_ADDRESS_FIELD),
  };
}

/** ASCII white space, which a browser strips from both ends of an `href`. */
const trimUrl = (url: string) => url.replace(/^[\t\n\f\r ]+/, '').replace(/(?<![\t\n\f\r ])[\t\n\f\r ]+$/, '');

/**
 * What the template shows rendered for a recipient known only by address, with the lint's
 * values for `unsubscribe_url` and the postal address: an `<a>` (outside comments and raw text)
 * whose `href` is exactly the unsubscribe URL; the address outside comments in the HTML, or in
 * the text part. Undefined when the engines are not loaded yet or the template does not render
 * (a send would fail on it; the parse check and the send report that, not the lint).
 */
function renderedParts(content: TemplateContent): Shown | undefined {
  const engine = loadedEngines;
  if (!engine) return undefined;
  const scope: MergeContext = {
    contact: { email: 'recipient@example.invalid' },
    workspace: { name: 'Workspace', postalAddress: LINT_POSTAL_ADDRESS },
    unsubscribe_url: LINT_UNSUBSCRIBE_URL,
  };
  let html: string;
  let text: string | undefined;
  try {
    html = engine.html.parseAndRenderSync(content.html, scope);
    text = content.text === undefined ? undefined : engine.text.parseAndRenderSync(content.text, scope);
  } catch {
    return undefined;
  }
  let unsubscribeLink = false;
  const shown = scanHtml(html, (tag) => {
    const href = tag.name === 'a' ? tag.attributes.get('href') : undefined;
    if (href !== undefined && trimUrl(href) === LINT_UNSUBSCRIBE_URL) unsubscribeLink = true;
  });
  const hasAddress = (rendered: string) => rendered.toLowerCase().includes(LINT_POSTAL_ADDRESS);
  return {
    unsubscribeLink,
    postalAddress: hasAddress(shown) || (text !== undefined && hasAddress(stripHtmlComments(text))),
  };
}

/**
 * What a marketing template lacks to be sent lawfully (CAN-SPAM, Gmail/Yahoo bulk-sender
 * rules): a visible unsubscribe link (`{{ unsubscribe_url }}` as the `href` of an `<a>` in
 * the HTML) and the sender's postal address (`{{ workspace.postalAddress }}` in the HTML or
 * the text part). Comments do not count. Empty when complete, and always for transactional.
 *
 * Both rules hold for the source and for what it renders: a link or address that Liquid never
 * outputs (`{% if false %}`, `{% raw %}`) is missing. The render is synchronous, so it needs the
 * template engines loaded: a save (`assertTemplateParses` first) and a preview (the render
 * first) always have them; a caller that checks before anything loaded them gets the source
 * rule alone (see the tests). Every scan is linear in the template's length.
 */
export function missingMarketingParts(content: TemplateContent, category: EmailCategory): MissingPart[] {
  if (category !== 'marketing') return [];
  const written = writtenParts(content);
  const rendered = renderedParts(content);
  const missing: MissingPart[] = [];
  if (!written.unsubscribeLink || rendered?.unsubscribeLink === false) {
    missing.push({
      item: 'unsubscribe_link',
      message: 'an unsubscribe link (<a href="{{ unsubscribe_url }}">Unsubscribe</a>) in the HTML',
    });
  }
  if (!written.postalAddress || rendered?.postalAddress === false) {
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

/**
 * A readable plain-text part from HTML: links keep their target, blocks become lines. Linear in
 * the length of the HTML: the steps that look for a closing part (`</script>`, `</a>`, a tag's
 * `>`) are the scans of ./html-scan.ts, which give up on an opening at once when its closing part
 * is absent; the remaining regexes match a bounded text or start only where a run starts.
 */
export function htmlToText(html: string): string {
  const linked = replaceLinks(dropScriptStyleHead(html), (href, label) => {
    const text = stripTags(label).trim();
    return text && text !== href ? `${text} (${href})` : href;
  });
  const blocks = replaceListItemOpenings(
    linked.replace(/<br\s*\/?>/gi, '\n').replace(/<\/(p|div|h[1-6]|li|tr|table)>/gi, '\n\n'),
    '- ',
  );
  return stripTags(blocks)
    .replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_m, e: string) => ENTITIES[e] ?? '')
    .replace(/(?<![ \t])[ \t]+\n/g, '\n')
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
