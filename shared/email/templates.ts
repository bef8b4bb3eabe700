/**
 * Email templates, rendered with liquidjs (a maintained, sandboxed Liquid engine: templates
 * cannot run code, and parse, render and memory limits bound what a template may cost).
 * Templates have no file system: the tags that load another template by name (`include`,
 * `render`, `layout`) are refused when a template is parsed, and the engines' file system holds
 * no file, so no template can read one of the server's (see {@link FILE_TAGS}).
 * What a render writes is bounded as it is written (see {@link RENDERED_PART_MAX_CHARS}): a loop
 * of a large text stops at the bound, never renders hundreds of MB to be measured afterwards.
 * HTML output escapes every merge field by default; the subject is rendered as text and
 * flattened to one line (it becomes a header); a plain-text part is generated from the HTML
 * when the template has none.
 *
 * Merge fields: `contact.*` (firstName, lastName, email, company, customFields.*),
 * `workspace.*` (name, postalAddress), `unsubscribe_url`. A missing field renders empty;
 * `{{ contact.firstName | default: "there" }}` gives it a fallback.
 */
import type { Emitter, FS, Liquid, LiquidOptions, Template } from 'liquidjs';
import { ValidationError } from '../errors';
import { cutText } from '../security/cut-text';
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

type LiquidModule = typeof import('liquidjs');

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
 * liquidjs's `parseLimit` bounds the characters (`String.length`) of the source one `parse()` call
 * reads; each part is parsed on its own, so it must let through the longest part the schemas
 * accept, or a valid template is refused as "parse length limit exceeded". `renderLimit` is in
 * milliseconds per render; `memoryLimit` bounds what filters and ranges may allocate. None of them
 * bounds the text a render writes out (a loop repeating a literal costs no memory "allocation" and
 * little time): {@link BoundedOutput} does.
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

/** Thrown by {@link BoundedOutput} when a render passes its bound (liquidjs wraps it in a RenderError). */
class RenderedTooLarge extends Error {
  constructor(readonly maxChars: number) {
    super(`The render passed ${maxChars} characters`);
    this.name = 'RenderedTooLarge';
  }
}

/**
 * Where a render writes (liquidjs's `Emitter`, as its own SimpleEmitter, with liquidjs's own
 * stringification): refuses a write that would take the output past `maxChars`, so the render
 * stops there, before the text is concatenated.
 */
class BoundedOutput implements Emitter {
  buffer = '';
  constructor(
    private readonly maxChars: number,
    private readonly toValue: LiquidModule['toValue'],
  ) {}

  write(html: unknown): void {
    const text = this.stringify(html);
    if (this.buffer.length + text.length > this.maxChars) throw new RenderedTooLarge(this.maxChars);
    this.buffer += text;
  }

  private stringify(value: unknown): string {
    const found = this.toValue(value);
    if (typeof found === 'string') return found;
    if (found === null || found === undefined) return '';
    if (Array.isArray(found)) return found.map((item) => this.stringify(item)).join('');
    return String(found);
  }
}

/**
 * Every render of `engine` that liquidjs starts without an output of ours (`{% capture %}` renders
 * its body into a string of its own; the top of a `parseAndRender`) writes into a
 * {@link BoundedOutput} of the largest part's bound: no string a render builds, written out or
 * not, grows past it.
 */
function withBoundedOutput(engine: Liquid, lib: LiquidModule): Liquid {
  const renderer = engine.renderer;
  const renderTemplates = renderer.renderTemplates.bind(renderer);
  renderer.renderTemplates = (templates, ctx, emitter) =>
    renderTemplates(templates, ctx, emitter ?? new BoundedOutput(RENDERED_PART_MAX_CHARS, lib.toValue));
  return engine;
}

/** The render that passed its bound, in liquidjs's wrapping (`originalError`) of it. */
function tooLargeIn(error: unknown): RenderedTooLarge | undefined {
  let found = error;
  for (let depth = 0; found && depth < 10; depth++) {
    if (found instanceof RenderedTooLarge) return found;
    found = (found as { originalError?: unknown }).originalError ?? (found as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * The tags that output their body to some recipients only: a condition, a `case` or a loop whose
 * arguments read merge data (a contact's fields, a value a template assigned) renders nothing in
 * the marketing lint's engines (see {@link missingMarketingParts}).
 */
const BRANCHING_TAGS = ['if', 'unless', 'case', 'for', 'tablerow'] as const;

/**
 * What a branching tag may read and still hold for every recipient of a marketing send: the
 * unsubscribe URL (every marketing send has one) and the postal address (a marketing send without
 * one is refused). Anything else (`contact.*`, `workspace.name`, an assigned name) varies.
 */
const SAME_FOR_EVERY_RECIPIENT = new Set(['unsubscribe_url', 'workspace.postalAddress']);

/**
 * The marketing lint's engine: `engine` whose branching tags render nothing when what they read
 * varies between recipients, so what renders is what every recipient gets.
 */
function forEveryRecipient(engine: Liquid, lib: LiquidModule): Liquid {
  const bases = { if: lib.IfTag, unless: lib.UnlessTag, case: lib.CaseTag, for: lib.ForTag, tablerow: lib.TablerowTag };
  for (const name of BRANCHING_TAGS) {
    const Base = bases[name] as unknown as typeof lib.IfTag;
    engine.registerTag(
      name,
      class extends Base {
        override *render(...args: Parameters<InstanceType<typeof lib.IfTag>['render']>) {
          if (readsRecipientData(engine, this)) return;
          return yield* super.render(...args);
        }
      },
    );
  }
  return engine;
}

/** Whether the arguments of `tag` (not its body) read anything but {@link SAME_FOR_EVERY_RECIPIENT}. */
function readsRecipientData(engine: Liquid, tag: Template): boolean {
  const { arguments: args } = tag;
  // A tag that cannot say what it reads may read anything.
  if (!args) return true;
  // liquidjs's static analysis of a template made of the tag's arguments alone.
  const head: Template = { token: tag.token, render: () => '', arguments: () => args.call(tag) };
  const { globals } = engine.analyzeSync([head], { partials: false });
  return Object.values(globals).some((reads) => reads.some((read) => !SAME_FOR_EVERY_RECIPIENT.has(read.toString())));
}

interface Engines {
  readonly html: Liquid;
  readonly text: Liquid;
  /** The marketing lint's: branching tags on recipient data render nothing ({@link forEveryRecipient}). */
  readonly lintHtml: Liquid;
  readonly lintText: Liquid;
  readonly lib: LiquidModule;
}

let engines: Promise<Engines> | undefined;
/** The engines once made: what the synchronous marketing lint renders with. */
let loadedEngines: Engines | undefined;

/**
 * The engines (HTML escapes what it outputs, text does not; each also as the marketing lint's),
 * made on first use: liquidjs (~85 KB minified) is read by a function only when it first checks
 * or renders a template, so routes that never do (most of the campaigns and emails routes) do not
 * load it at cold start.
 */
function liquid(): Promise<Engines> {
  engines ??= import('liquidjs')
    .then((lib) => {
      const make = (escaping: boolean) =>
        withBoundedOutput(
          withoutFileTags(new lib.Liquid({ ...OPTIONS, ...(escaping ? { outputEscape: 'escape' as const } : {}) })),
          lib,
        );
      loadedEngines = {
        html: make(true),
        text: make(false),
        lintHtml: forEveryRecipient(make(true), lib),
        lintText: forEveryRecipient(make(false), lib),
        lib,
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

/** The error a failed render of `part` is: past its bound, or another render error. */
function renderErrorOf(part: Part, error: unknown): TemplateError {
  if (error instanceof TemplateError) return error;
  const tooLarge = tooLargeIn(error);
  if (tooLarge) return tooLargeRendered(part, { maxChars: RENDERED_MAX_CHARS[part] });
  return new TemplateError(`The template could not be rendered: ${firstLine(error)}`);
}

/**
 * Renders one part into a {@link BoundedOutput} of its bound (what `parseAndRender` does, with our
 * output in place of liquidjs's unbounded one).
 * @throws TemplateError when it does not parse, render, or passes its bound.
 */
function renderPart(engines: Engines, engine: Liquid, part: Part, source: string, scope: object): Promise<string>;
function renderPart(engines: Engines, engine: Liquid, part: Part, source: string, scope: object, sync: true): string;
function renderPart(
  engines: Engines,
  engine: Liquid,
  part: Part,
  source: string,
  scope: object,
  sync = false,
): Promise<string> | string {
  const { lib } = engines;
  const run = () => {
    const ctx = new lib.Context(scope, engine.options, { sync }, { liquid: engine });
    const output = new BoundedOutput(RENDERED_MAX_CHARS[part], lib.toValue);
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
 * Text reduced to its letters and digits, lower case, with character references (escaped twice
 * too) dropped: an address shown with `| upcase`, HTML-escaped or on several lines is still found
 * in what a reader sees. Linear in the text.
 */
const lettersOf = (text: string): string =>
  text
    .replace(/&(?:amp;)*(?:#\d+|#x[\da-f]+|\w+);/gi, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');

/**
 * What rendered HTML (and text part) show: an `<a>` (outside comments and raw text) whose `href` is
 * exactly `unsubscribeUrl`; `postalAddress` in the HTML's visible text (outside comments and tags)
 * or in the text part. Each true when there is nothing to look for.
 */
function shownIn(html: string, text: string | undefined, unsubscribeUrl?: string, postalAddress?: string): Shown {
  let unsubscribeLink = unsubscribeUrl === undefined;
  const shown = scanHtml(html, (tag) => {
    const href = tag.name === 'a' ? tag.attributes.get('href') : undefined;
    if (href !== undefined && trimUrl(href) === unsubscribeUrl) unsubscribeLink = true;
  });
  const address = lettersOf(postalAddress ?? '');
  return {
    unsubscribeLink,
    postalAddress:
      address === '' ||
      lettersOf(stripTags(shown)).includes(address) ||
      (text !== undefined && lettersOf(stripHtmlComments(text)).includes(address)),
  };
}

/**
 * What the template shows to every recipient, rendered with the lint's values for
 * `unsubscribe_url` and the postal address, by the lint's engines: a condition, `case` or loop that
 * reads recipient data renders nothing there (see {@link forEveryRecipient}), so a link or
 * address inside one, shown to some recipients only, counts as missing; so does one whose name
 * the template assigns (anywhere: under a condition, it hides the value from some recipients).
 * Undefined when the engines are not loaded yet or the template does not render (a send would
 * fail on it; the parse check and the send report that, not the lint).
 * @throws TemplateError when the render passes its bound: a save refuses it, as a send would.
 */
function renderedParts(content: TemplateContent): Shown | undefined {
  const found = loadedEngines;
  if (!found) return undefined;
  const scope: MergeContext = {
    contact: { email: 'recipient@example.invalid' },
    workspace: { name: 'Workspace', postalAddress: LINT_POSTAL_ADDRESS },
    unsubscribe_url: LINT_UNSUBSCRIBE_URL,
  };
  let html: string;
  let text: string | undefined;
  let assigned: Set<string>;
  try {
    html = renderPart(found, found.lintHtml, 'html', content.html, scope, true);
    text =
      content.text === undefined ? undefined : renderPart(found, found.lintText, 'text', content.text, scope, true);
    assigned = new Set(
      [content.html, content.text].flatMap((source) =>
        source === undefined ? [] : Object.keys(found.text.analyzeSync(found.text.parse(source)).locals),
      ),
    );
  } catch (error) {
    if (isTooLargeRendered(error)) throw error;
    return undefined;
  }
  const shown = shownIn(html, text, LINT_UNSUBSCRIBE_URL, LINT_POSTAL_ADDRESS);
  return {
    unsubscribeLink: shown.unsubscribeLink && !assigned.has('unsubscribe_url'),
    postalAddress: shown.postalAddress && !assigned.has('workspace'),
  };
}

/** Whether `error` is a render past its bound ({@link tooLargeRendered}). */
export function isTooLargeRendered(error: unknown): error is TemplateError {
  if (!(error instanceof TemplateError) || !Array.isArray(error.details)) return false;
  return error.details.some((detail) => (detail as { reason?: unknown })?.reason === TOO_LARGE_RENDERED);
}

const MISSING_MESSAGES: Readonly<Record<MissingPart['item'], string>> = {
  unsubscribe_link:
    'an unsubscribe link (<a href="{{ unsubscribe_url }}">Unsubscribe</a>) in the HTML, shown to every recipient',
  postal_address:
    "the workspace's postal address ({{ workspace.postalAddress }}) in the HTML or the text, shown to every recipient",
};

/** Why a required part written in the source may still not count. */
const EVERY_RECIPIENT =
  'not inside an {% if %}, {% unless %}, {% case %}, {% for %} or {% tablerow %} that reads contact or other merge data, and unsubscribe_url and workspace never assigned';

const missingPart = (item: MissingPart['item']): MissingPart => ({
  item,
  message: `${MISSING_MESSAGES[item]} (${EVERY_RECIPIENT})`,
});

/**
 * What a marketing template lacks to be sent lawfully (CAN-SPAM, Gmail/Yahoo bulk-sender
 * rules) to every one of its recipients: a visible unsubscribe link (`{{ unsubscribe_url }}` as the
 * `href` of an `<a>` in the HTML) and the sender's postal address (`{{ workspace.postalAddress }}`
 * in the HTML or the text part). Comments do not count. Empty when complete, and always for
 * transactional.
 *
 * Both rules hold for the source and for what it renders for every recipient: a link or address
 * that Liquid never outputs (`{% if false %}`, `{% raw %}`), or outputs to some recipients only
 * (inside a condition or loop on `contact.*`, or with its name assigned), is missing. The render is
 * synchronous and bounded like every render, so it needs the template engines loaded: a save
 * (`assertTemplateParses` first) and a preview (the render first) always have them; a caller that
 * checks before anything loaded them gets the source rule alone (see the tests). Every scan is
 * linear in the template's length.
 * @throws TemplateError when the render passes its bound ({@link RENDERED_PART_MAX_CHARS}).
 */
export function missingMarketingParts(content: TemplateContent, category: EmailCategory): MissingPart[] {
  if (category !== 'marketing') return [];
  const written = writtenParts(content);
  const rendered = renderedParts(content);
  const missing: MissingPart[] = [];
  if (!written.unsubscribeLink || rendered?.unsubscribeLink === false) missing.push(missingPart('unsubscribe_link'));
  if (!written.postalAddress || rendered?.postalAddress === false) missing.push(missingPart('postal_address'));
  return missing;
}

/**
 * What a marketing mail, rendered for its recipient, lacks of what its source writes: the
 * unsubscribe link (an `<a>` whose `href` is the send's `unsubscribe_url`) and the postal address
 * (the workspace's, in the visible text of the HTML or the text part). The preview reports it for
 * the contact it renders, and the sender closes such a send, so the two agree. Content that never
 * wrote them (an inline send, which the lint does not see) is judged here on nothing.
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
 * Renders `content` for one recipient, each part into an output of its bound.
 * @throws TemplateError when a part does not parse or render, or passes its bound (the details name
 * the part, with `reason: 'TEMPLATE_TOO_LARGE_RENDERED'` and `maxChars`).
 */
export async function renderTemplate(content: TemplateContent, context: MergeContext): Promise<RenderedEmail> {
  const found = await liquid();
  const scope = { ...context };
  const [subject, html, text] = await Promise.all([
    renderPart(found, found.text, 'subject', content.subject, scope),
    renderPart(found, found.html, 'html', content.html, scope),
    content.text === undefined ? undefined : renderPart(found, found.text, 'text', content.text, scope),
  ]);
  return { subject: flattenToSingleLine(subject), html, text: text ?? htmlToText(html) };
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

const firstLine = (error: unknown) => cutText(String((error as Error)?.message ?? error).split('\n')[0] ?? '', 200);
