/**
 * Email templates, rendered with liquidjs (a maintained, sandboxed Liquid engine: templates
 * cannot run code, and parse, render and memory limits bound what a template may cost).
 * Templates have no file system: the tags that load another template by name (`include`,
 * `render`, `layout`) are refused when a template is parsed, and the engines' file system holds
 * no file, so no template can read one of the server's (see {@link FILE_TAGS}).
 * What a render writes is bounded as it is written (see {@link RENDERED_PART_MAX_CHARS}): a loop
 * of a large text stops at the bound, never renders hundreds of MB to be measured afterwards; and
 * everything one render builds (outputs, captures, filter results, ranges, all its parts together)
 * draws from one budget ({@link RENDER_BUDGET_CHARS}), so what a render holds is bounded too.
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
import { cutText } from '../security/cut-text';
import { flattenToSingleLine } from '../security/single-line-text';
import { type HtmlScan, htmlToPlainText, scanHtml, stripHtmlComments } from './html-scan';
import { hasMergeField, hasUnsubscribeHrefField, uncommentedSource } from './merge-field-scan';

type LiquidModule = typeof import('liquidjs');

import type { EmailCategory } from './suppression-rules';
import type { Engines, LintRender } from './template-engines';

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
 * The most characters a rendered html or text part may have. What a provider takes bounds it: SES v2
 * and Resend accept a message of at most 40 MB as sent (MIME, base64), and a part of this many
 * characters is at most 3 MB of UTF-8, ~4.1 MB in base64, so the html, its text part and the
 * tracking links the sender adds stay far below (send-email.ts checks the mail as sent too). Twice
 * the longest part a template may be written with ({@link TEMPLATE_PART_MAX_CHARS}): room for merge
 * fields and loops over a contact's tags, none for a loop that repeats a large text.
 */
export const RENDERED_PART_MAX_CHARS = 1_000_000;

/**
 * The most characters a rendered subject may have: the longest a subject may be written with
 * (the schemas' 998, RFC 5322's longest header line), a merge field included.
 */
export const RENDERED_SUBJECT_MAX_CHARS = 998;

/** The bound of each rendered part. */
const RENDERED_MAX_CHARS = {
  subject: RENDERED_SUBJECT_MAX_CHARS,
  html: RENDERED_PART_MAX_CHARS,
  text: RENDERED_PART_MAX_CHARS,
} as const;
type Part = keyof typeof RENDERED_MAX_CHARS;

/**
 * The Liquid tags that load another template by name: liquidjs reads it through the engine's file
 * system (by default node:fs under the working directory, where the function's bundle, or locally
 * `.data/` with the master key, lives). An email template is one self-contained text, so each of
 * them is refused where the template is parsed: a save answers 400 `TEMPLATE_INVALID` naming the
 * tag, and a template stored before (or an inline send) fails to render, which the sender closes.
 */
export const FILE_TAGS = ['include', 'render', 'layout'] as const;

/**
 * Thrown when a render passes a bound (liquidjs wraps it in a RenderError): `part`, what one part
 * (or one capture) may write; `render`, what one render may build in all ({@link RenderBudget}).
 */
export class RenderedTooLarge extends Error {
  constructor(
    readonly maxChars: number,
    readonly bound: 'part' | 'render',
  ) {
    super(`The render passed ${maxChars} characters`);
    this.name = 'RenderedTooLarge';
  }
}

/**
 * The most characters (and array elements) one render may build, all its parts together (subject,
 * html, text part) and everything in them: what it writes out, every `{% capture %}`, every string
 * or array a filter makes (`append`, `url_encode`, `split`, `push`...) and every range. A string
 * is charged when made, never refunded, so what a render holds at any time (its peak) is at most
 * this: 5M characters are at most 10 MB of UTF-16 (an element of an array 8 bytes), whatever the
 * template repeats, keeps in arrays or captures. Room for the largest parts a send may have (1M
 * characters each written, plus what their merge fields' filters make).
 */
export const RENDER_BUDGET_CHARS = 5_000_000;

/**
 * One render's allowance of characters (liquidjs's `memoryLimit`, which its filters and ranges
 * charge, in place of its own per-context Limiter): every output and capture of the render draws
 * from it too, so each string the render builds is charged once, to one budget. `spent` is what
 * the render built so far.
 */
export class RenderBudget {
  spent = 0;
  constructor(readonly maxChars: number = RENDER_BUDGET_CHARS) {}

  /** Charges `count` characters (or elements); past the allowance, the render stops. */
  use(count: number): void {
    const chars = +count;
    if (!(chars > 0)) return;
    if (this.spent + chars > this.maxChars) throw new RenderedTooLarge(this.maxChars, 'render');
    this.spent += chars;
  }

  /** Whether `count` alone fits at all (liquidjs's Limiter API). */
  check(count: number): void {
    if (+count > this.maxChars) throw new RenderedTooLarge(this.maxChars, 'render');
  }
}

/** What a render charges (liquidjs's `Context.memoryLimit`, a {@link RenderBudget} in every render of ours). */
export type Charge = Pick<RenderBudget, 'use'>;
type Limiter = NonNullable<NonNullable<ConstructorParameters<LiquidModule['Context']>[3]>['memoryLimit']>;

/** The render that passed its bound, in liquidjs's wrapping (`originalError`) of it. */
function tooLargeIn(error: unknown): RenderedTooLarge | undefined {
  let found = error;
  for (let depth = 0; found && depth < 10; depth++) {
    if (found instanceof RenderedTooLarge) return found;
    found = (found as { originalError?: unknown }).originalError ?? (found as { cause?: unknown }).cause;
  }
  return undefined;
}

let engines: Promise<Engines> | undefined;
/** The engines once made: what the synchronous marketing lint renders with. */
let loadedEngines: Engines | undefined;

/**
 * The engines (HTML escapes what it outputs, text does not; each also as the marketing lint's),
 * made on first use: liquidjs (~85 KB minified) and ./template-engines.ts (what the engines need
 * of it at render time: bounded outputs, charged filters, the lint's branching tags) are read by a
 * function only when it first checks or renders a template, so routes that never do (most of the
 * campaigns and emails routes) do not load them at cold start.
 */
function liquid(): Promise<Engines> {
  engines ??= import('./template-engines')
    .then(({ makeEngines }) => {
      loadedEngines = makeEngines({ RenderedTooLarge, scanShown, lettersOf });
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

/** The `reason` in the details of a {@link TemplateError} for a render past its bound. */
export const TOO_LARGE_RENDERED = 'TEMPLATE_TOO_LARGE_RENDERED';

/**
 * A {@link TemplateError} for output past a bound: `path` names the part (`subject`, `html`,
 * `text`; `preview` for a preview's whole answer), `limit` what it passed.
 */
export function tooLargeRendered(path: string, limit: { maxChars: number } | { maxBytes: number }): TemplateError {
  const bound = 'maxChars' in limit ? `${limit.maxChars} characters` : `${limit.maxBytes} bytes`;
  const message =
    path === 'preview'
      ? `The template's preview would be more than the ${bound} a preview may answer`
      : `The template's ${path} renders to more than ${bound}`;
  return new TemplateError(`${message}: make what it repeats smaller (link to large content instead of inlining it)`, {
    details: [{ in: 'body', path, reason: TOO_LARGE_RENDERED, message, ...limit }],
  });
}

/**
 * The {@link TemplateError} of a render that built more than its {@link RENDER_BUDGET_CHARS} (named
 * by the part it was rendering when the budget ran out; `bound: 'render'`).
 */
function tooLargeBuilt(path: Part): TemplateError {
  const message = `The template builds more than ${RENDER_BUDGET_CHARS} characters as it renders (what it writes, captures and makes with filters, all its parts together; it ran out in the ${path})`;
  return new TemplateError(`${message}: make what it repeats or keeps smaller`, {
    details: [
      { in: 'body', path, reason: TOO_LARGE_RENDERED, message, maxChars: RENDER_BUDGET_CHARS, bound: 'render' },
    ],
  });
}

/** The error a failed render of `part` is: past a bound, or another render error. */
function renderErrorOf(part: Part, error: unknown): TemplateError {
  if (error instanceof TemplateError) return error;
  const tooLarge = tooLargeIn(error);
  if (tooLarge?.bound === 'render') return tooLargeBuilt(part);
  if (tooLarge) return tooLargeRendered(part, { maxChars: RENDERED_MAX_CHARS[part] });
  return new TemplateError(`The template could not be rendered: ${firstLine(error)}`);
}

interface RenderOptions {
  /** The render's budget: one for all the parts of a send (or of a lint). */
  readonly budget: RenderBudget;
  /** Set for the marketing lint's renders (with its engines). */
  readonly lint?: LintRender;
}

/**
 * Renders one part into an output of its bound (./template-engines.ts), charged to `budget` (what
 * `parseAndRender` does, with our output in place of liquidjs's unbounded one and our budget in
 * place of its per-context memory limit).
 * @throws TemplateError when it does not parse, render, or passes a bound.
 */
function renderPart(
  engines: Engines,
  engine: Liquid,
  part: Part,
  source: string,
  scope: object,
  options: RenderOptions,
): Promise<string>;
function renderPart(
  engines: Engines,
  engine: Liquid,
  part: Part,
  source: string,
  scope: object,
  options: RenderOptions,
  sync: true,
): string;
function renderPart(
  engines: Engines,
  engine: Liquid,
  part: Part,
  source: string,
  scope: object,
  options: RenderOptions,
  sync = false,
): Promise<string> | string {
  const { lib } = engines;
  const run = () => {
    const memoryLimit = options.budget as unknown as Limiter;
    const ctx = new lib.Context(scope, engine.options, { sync }, { liquid: engine, memoryLimit });
    if (options.lint) engines.lintRender(ctx, options.lint);
    const output = engines.output(RENDERED_MAX_CHARS[part], options.budget);
    return engine.renderer.renderTemplates(engine.parse(source), ctx, output);
  };
  if (sync) {
    try {
      return String(lib.toValueSync(run()));
    } catch (error) {
      throw renderErrorOf(part, error);
    }
  }
  return Promise.resolve()
    .then(() => lib.toPromise(run()))
    .then(String, (error: unknown) => {
      throw renderErrorOf(part, error);
    });
}

/** Why `source` does not parse in `engine` (undefined when it does). */
function parseProblem(engine: Liquid, source: string): { line?: number; message: string } | undefined {
  try {
    engine.parse(source);
    return undefined;
  } catch (error) {
    const line = lineOf(error);
    return { ...(line ? { line } : {}), message: firstLine(error) };
  }
}

/** Parses every part once; throws {@link TemplateError} naming the part that does not parse. */
export async function assertTemplateParses(content: TemplateContent): Promise<void> {
  const engine = await liquid();
  for (const [part, source] of Object.entries(content)) {
    if (typeof source !== 'string') continue;
    const problem = parseProblem(part === 'html' ? engine.html : engine.text, source);
    if (problem) {
      throw new TemplateError(
        `The template's ${part} does not parse${problem.line ? ` (line ${problem.line})` : ''}: ${problem.message}`,
        { details: [{ in: 'body', path: part, ...problem }] },
      );
    }
  }
}

/**
 * Parses every subject variant of campaign email nodes as a template's subject is parsed (the
 * sender renders a variant in place of its template's subject), at each save of a journey, before
 * a publish and at an AI copy approval.
 * @throws TemplateError (400 `TEMPLATE_INVALID`) naming the node and the variant that does not parse.
 */
export async function assertSubjectVariantsParse(
  nodes: Iterable<{ readonly id: string; readonly subjectVariants?: readonly string[] | undefined }>,
): Promise<void> {
  for (const node of nodes) {
    if (!node.subjectVariants) continue;
    const engine = (await liquid()).text;
    for (const [index, variant] of node.subjectVariants.entries()) {
      const problem = parseProblem(engine, variant);
      if (!problem) continue;
      const at = problem.line ? ` (line ${problem.line})` : '';
      throw new TemplateError(
        `Node "${node.id}": subject variant ${index + 1} does not parse${at}: ${problem.message}`,
        { details: [{ in: 'body', node: node.id, path: `subjectVariants[${index}]`, ...problem }] },
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
export const LINT_UNSUBSCRIBE_URL = 'https://unsubscribe.invalid/marketing-lint-7c1e2a';
export const LINT_POSTAL_ADDRESS = 'postal-address-marketing-lint-7c1e2a';

/** What a marketing template shows once rendered, for the lint (see {@link missingMarketingParts}). */
export interface Shown {
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
 * Text reduced to its letters and digits, case-folded, with character references (escaped twice
 * too) dropped: an address shown with `| upcase`, HTML-escaped or on several lines is still found
 * in what a reader sees. The fold: compatibility decomposition (full-width digits are digits,
 * accents apart), lower then upper then lower case (`ß`, `ẞ` and `SS` alike; Turkish `İ`, `ı` and
 * `I` alike), final sigma as sigma, then only letters and digits kept (the accents dropped on both
 * sides). Linear in the text.
 */
export const lettersOf = (text: string): string =>
  text
    .replace(/&(?:amp;)*(?:#\d+|#x[\da-f]+|\w+);/gi, '')
    .normalize('NFKD')
    .toLowerCase()
    .toUpperCase()
    .toLowerCase()
    .replaceAll('ς', 'σ')
    .normalize('NFKD')
    .replace(/[^\p{L}\p{N}]+/gu, '');

/**
 * What rendered HTML shows a reader: an `<a>` whose `href` is exactly `unsubscribeUrl`, outside
 * comments and raw text and not hidden (see `scanHtml`: a hiding element around it, `hidden` or
 * inline `display: none` on it or around it), and `postalAddress` in the text a reader sees.
 */
export function scanShown(
  html: string,
  unsubscribeUrl?: string,
  postalAddress?: string,
): { shown: Shown; scan: HtmlScan } {
  let unsubscribeLink = unsubscribeUrl === undefined;
  const scan = scanHtml(html, (tag, visible) => {
    const href = visible && tag.name === 'a' ? tag.attributes.get('href') : undefined;
    if (href !== undefined && trimUrl(href) === unsubscribeUrl) unsubscribeLink = true;
  });
  const address = lettersOf(postalAddress ?? '');
  return { shown: { unsubscribeLink, postalAddress: address === '' || lettersOf(scan.text).includes(address) }, scan };
}

/**
 * What rendered HTML (and text part) show: the unsubscribe link and the postal address in the HTML
 * as {@link scanShown} finds them, or the address in the text part (outside what looks like an
 * HTML comment). Each true when there is nothing to look for.
 */
function shownIn(html: string, text: string | undefined, unsubscribeUrl?: string, postalAddress?: string): Shown {
  const { shown } = scanShown(html, unsubscribeUrl, postalAddress);
  const address = lettersOf(postalAddress ?? '');
  return {
    unsubscribeLink: shown.unsubscribeLink,
    postalAddress: shown.postalAddress || (text !== undefined && lettersOf(stripHtmlComments(text)).includes(address)),
  };
}

/** What the lint's render found, or why it could not render. */
type LintOutcome = { readonly shown: Shown } | { readonly failed: string };

/**
 * What the template shows to every recipient, rendered with the lint's values for
 * `unsubscribe_url` and the postal address by the lint's engines, both parts with one budget: a
 * condition, `case` or loop on data that varies writes what all its branches show (see
 * `renderEveryBranch` in ./template-engines.ts), and what follows a cut is dropped; a link or
 * address whose name the template assigns anywhere counts as missing too. Undefined when the engines are not loaded yet;
 * `failed` when the template does not render for the lint's made-up recipient (a send might still
 * render it for some: the lint cannot tell that every recipient gets the link, so it says so).
 * @throws TemplateError when a part's output passes its bound ({@link RENDERED_PART_MAX_CHARS}):
 * a save refuses it, as a send would.
 */
function renderedParts(content: TemplateContent): LintOutcome | undefined {
  const found = loadedEngines;
  if (!found) return undefined;
  const scope: MergeContext = {
    contact: { email: 'recipient@example.invalid' },
    workspace: { name: 'Workspace', postalAddress: LINT_POSTAL_ADDRESS },
    unsubscribe_url: LINT_UNSUBSCRIBE_URL,
  };
  const budget = new RenderBudget();
  const cut = `<!--lint-cut-${globalThis.crypto.randomUUID()}-->`;
  const lint = (part: 'html' | 'text'): RenderOptions => ({ budget, lint: { part, cut, loops: [] } });
  const upToCut = (output: string) => (output.includes(cut) ? output.slice(0, output.indexOf(cut)) : output);
  let html: string;
  let text: string | undefined;
  let assigned: Set<string>;
  try {
    html = upToCut(renderPart(found, found.lintHtml, 'html', content.html, scope, lint('html'), true));
    text =
      content.text === undefined
        ? undefined
        : upToCut(renderPart(found, found.lintText, 'text', content.text, scope, lint('text'), true));
    assigned = new Set(
      [content.html, content.text].flatMap((source) =>
        source === undefined ? [] : Object.keys(found.text.analyzeSync(found.text.parse(source)).locals),
      ),
    );
  } catch (error) {
    if (isTooLargeRendered(error) && !isTooLargeBuilt(error)) throw error;
    return { failed: error instanceof TemplateError ? error.message : firstLine(error) };
  }
  const shown = shownIn(html, text, LINT_UNSUBSCRIBE_URL, LINT_POSTAL_ADDRESS);
  return {
    shown: {
      unsubscribeLink: shown.unsubscribeLink && !assigned.has('unsubscribe_url'),
      postalAddress: shown.postalAddress && !assigned.has('workspace'),
    },
  };
}

/** Whether `error` is a render past a bound ({@link tooLargeRendered}, or the render's budget). */
export function isTooLargeRendered(error: unknown): error is TemplateError {
  return detailsOf(error).some((detail) => detail?.reason === TOO_LARGE_RENDERED);
}

/** Whether `error` is a render that built more than its budget allows ({@link RENDER_BUDGET_CHARS}). */
function isTooLargeBuilt(error: unknown): boolean {
  return detailsOf(error).some((detail) => detail?.reason === TOO_LARGE_RENDERED && detail.bound === 'render');
}

const detailsOf = (error: unknown): ({ reason?: unknown; bound?: unknown } | undefined)[] =>
  error instanceof TemplateError && Array.isArray(error.details) ? error.details : [];

const MISSING_MESSAGES: Readonly<Record<MissingPart['item'], string>> = {
  unsubscribe_link:
    'an unsubscribe link (<a href="{{ unsubscribe_url }}">Unsubscribe</a>) in the HTML, shown to every recipient',
  postal_address:
    "the workspace's postal address ({{ workspace.postalAddress }}) in the HTML or the text, shown to every recipient",
};

/** Why a required part written in the source may still not count. */
const EVERY_RECIPIENT =
  'outside any {% if %}, {% unless %}, {% case %}, {% for %} or {% tablerow %} that reads contact or other merge data, or in every branch of it (an {% else %} too), not hidden by markup (a comment, <template>, <select>, <noscript>, hidden or display:none), and unsubscribe_url and workspace never assigned';

const missingPart = (item: MissingPart['item'], failed?: string): MissingPart => ({
  item,
  message: failed
    ? `${MISSING_MESSAGES[item]}: the check could not render the template for a sample recipient, so it cannot tell (${failed})`
    : `${MISSING_MESSAGES[item]} (${EVERY_RECIPIENT})`,
});

/**
 * What a marketing template lacks to be sent lawfully (CAN-SPAM, Gmail/Yahoo bulk-sender
 * rules) to every one of its recipients: a visible unsubscribe link (`{{ unsubscribe_url }}` as the
 * `href` of an `<a>` in the HTML) and the sender's postal address (`{{ workspace.postalAddress }}`
 * in the HTML or the text part). Comments do not count. Empty when complete, and always for
 * transactional.
 *
 * Both rules hold for the source and for what it renders for every recipient: a link or address
 * that Liquid never outputs (`{% if false %}`, `{% raw %}`), outputs to some recipients only
 * (inside a condition or loop on `contact.*` without the same in each branch, or with its name
 * assigned), or that markup hides, is missing; so are both when the lint cannot render the template
 * for its sample recipient. The render is synchronous and bounded like every render, so it needs
 * the template engines loaded: a save (`assertTemplateParses` first) and a preview (the render
 * first) always have them; a caller that checks before anything loaded them gets the source rule
 * alone (see the tests). Every scan is linear in the template's length.
 * @throws TemplateError when a part's render passes its bound ({@link RENDERED_PART_MAX_CHARS}).
 */
export function missingMarketingParts(content: TemplateContent, category: EmailCategory): MissingPart[] {
  if (category !== 'marketing') return [];
  const written = writtenParts(content);
  const rendered = renderedParts(content);
  if (rendered && 'failed' in rendered) {
    return [missingPart('unsubscribe_link', rendered.failed), missingPart('postal_address', rendered.failed)];
  }
  const missing: MissingPart[] = [];
  if (!written.unsubscribeLink || rendered?.shown.unsubscribeLink === false) {
    missing.push(missingPart('unsubscribe_link'));
  }
  if (!written.postalAddress || rendered?.shown.postalAddress === false) missing.push(missingPart('postal_address'));
  return missing;
}

/**
 * What a marketing mail, rendered for its recipient, lacks of what its source writes: the
 * unsubscribe link (an `<a>` whose `href` is the send's `unsubscribe_url`, not hidden) and the
 * postal address (the workspace's, in the text a reader sees of the HTML or in the text part). The
 * preview reports it for the contact it renders, and the sender closes such a send, so the two
 * agree. Content that never wrote them (an inline send, which the lint does not see) is judged
 * here on nothing.
 */
export function missingFromRendered(
  content: TemplateContent,
  category: EmailCategory,
  rendered: Pick<RenderedEmail, 'html' | 'text'>,
  context: MergeContext,
): MissingPart[] {
  if (category !== 'marketing') return [];
  const written = writtenParts(content);
  const url = written.unsubscribeLink ? context.unsubscribe_url : undefined;
  const address = written.postalAddress ? context.workspace.postalAddress : undefined;
  if (url === undefined && address === undefined) return [];
  const shown = shownIn(rendered.html, rendered.text, url, address);
  const missing: MissingPart[] = [];
  if (!shown.unsubscribeLink) missing.push(missingPart('unsubscribe_link'));
  if (!shown.postalAddress) missing.push(missingPart('postal_address'));
  return missing;
}

/**
 * Renders `content` for one recipient, each part into an output of its bound, one part after the
 * other, all drawing from one `budget` (by default {@link RENDER_BUDGET_CHARS}; a caller may pass
 * one to read what the render spent).
 * @throws TemplateError when a part does not parse or render, or passes a bound (the details name
 * the part, with `reason: 'TEMPLATE_TOO_LARGE_RENDERED'` and `maxChars`; `bound: 'render'` for the
 * budget).
 */
export async function renderTemplate(
  content: TemplateContent,
  context: MergeContext,
  budget: RenderBudget = new RenderBudget(),
): Promise<RenderedEmail> {
  const found = await liquid();
  const scope = { ...context };
  const options: RenderOptions = { budget };
  const subject = await renderPart(found, found.text, 'subject', content.subject, scope, options);
  const html = await renderPart(found, found.html, 'html', content.html, scope, options);
  const text =
    content.text === undefined ? undefined : await renderPart(found, found.text, 'text', content.text, scope, options);
  return { subject: flattenToSingleLine(subject), html, text: text ?? htmlToText(html) };
}

/**
 * A readable plain-text part from HTML: links keep their target, blocks become lines. Read as a
 * browser reads the markup, in one pass (`htmlToPlainText` in ./html-scan.ts): a `>` or an
 * `href=` inside a quoted attribute value, a comment or a script is no markup of the text.
 */
export const htmlToText = (html: string): string => htmlToPlainText(html);

/** The line liquidjs names in a parse error (`..., line:3, col:6`). */
const lineOf = (error: unknown): number | undefined => {
  const found = /line:(\d+)/.exec(String((error as Error)?.message ?? ''));
  return found ? Number(found[1]) : undefined;
};

const firstLine = (error: unknown) => cutText(String((error as Error)?.message ?? error).split('\n')[0] ?? '', 200);
