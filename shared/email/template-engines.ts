/**
 * The Liquid engines of ./templates.ts and what they need of liquidjs at render time: no file system
 * and no file tags, every filter's result charged to the render's budget, outputs and captures
 * bounded and charged, and the marketing lint's engines (a branching tag on data that varies
 * renders what every branch shows). Imported only with liquidjs, on a function's first template
 * check or render (`liquid()` in ./templates.ts), so none of it is read at cold start.
 */

import type { Emitter, FS, Liquid, LiquidOptions, Template } from 'liquidjs';
import * as lib from 'liquidjs';
import { stripHtmlComments } from './html-scan';
import {
  type Charge,
  FILE_TAGS,
  LINT_POSTAL_ADDRESS,
  LINT_UNSUBSCRIBE_URL,
  RENDER_BUDGET_CHARS,
  RENDERED_PART_MAX_CHARS,
  type Shown,
  TEMPLATE_PART_MAX_CHARS,
} from './templates';

type LiquidModule = typeof lib;

/**
 * What the engines use of ./templates.ts beyond its constants, handed over by {@link makeEngines}:
 * imported here, they would be kept in the code every function that bundles ./templates.ts reads at
 * cold start (the module both load), even the functions that never judge a render.
 */
export type FromTemplates = Pick<typeof import('./templates'), 'RenderedTooLarge' | 'scanShown' | 'lettersOf'>;

/** Set by {@link makeEngines} before any engine exists. */
let from: FromTemplates;

/**
 * liquidjs's `parseLimit` bounds the characters (`String.length`) of the source one `parse()` call
 * reads; each part is parsed on its own, so it must let through the longest part the schemas
 * accept, or a valid template is refused as "parse length limit exceeded". `renderLimit` is in
 * milliseconds per render; `memoryLimit` is what a context liquidjs makes on its own may allocate
 * (every render of ours passes its `RenderBudget` instead, which its outputs, captures and filter
 * results draw from too: liquidjs alone charges no text a render writes out, {@link BoundedOutput}
 * does).
 */
const LIMITS = { parseLimit: TEMPLATE_PART_MAX_CHARS, renderLimit: 500, memoryLimit: RENDER_BUDGET_CHARS } as const;

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

/**
 * Where a render writes (liquidjs's `Emitter`, as its own SimpleEmitter, with liquidjs's own
 * stringification): refuses a write that would take the output past `maxChars` (what one part or
 * capture may hold), and charges each write to the render's budget, so the render stops there,
 * before the text is concatenated.
 */
class BoundedOutput implements Emitter {
  buffer = '';
  constructor(
    private readonly maxChars: number,
    private readonly toValue: LiquidModule['toValue'],
    private readonly budget: Charge,
  ) {}

  write(html: unknown): void {
    const text = this.stringify(html);
    if (this.buffer.length + text.length > this.maxChars) throw new from.RenderedTooLarge(this.maxChars, 'part');
    this.budget.use(text.length);
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
 * its body into a string of its own) writes into a {@link BoundedOutput} of the largest part's
 * bound, charged to the render's budget (`ctx.memoryLimit`): every capture draws from the one
 * budget of its render, not from an allowance of its own.
 */
function withBoundedOutput(engine: Liquid, lib: LiquidModule): Liquid {
  const renderer = engine.renderer;
  const renderTemplates = renderer.renderTemplates.bind(renderer);
  renderer.renderTemplates = (templates, ctx, emitter) =>
    renderTemplates(
      templates,
      ctx,
      emitter ?? new BoundedOutput(RENDERED_PART_MAX_CHARS, lib.toValue, ctx.memoryLimit),
    );
  return engine;
}

/** What a value a filter made costs: a string its length, an array its elements. */
const sizeOf = (value: unknown): number => (typeof value === 'string' || Array.isArray(value) ? value.length : 0);

const isIterator = (value: unknown): value is Iterator<unknown> =>
  typeof (value as Iterator<unknown> | undefined)?.next === 'function' &&
  typeof (value as Iterator<unknown>).throw === 'function';

/**
 * Every filter of `engine` charges what it returns (a string's length, an array's elements) to
 * the render's budget: liquidjs charges most of its filters for their work but not all
 * (`url_encode`, `slugify`...), and a filter's result kept with `assign` or `push` would
 * otherwise hold memory no bound counts. A filter that liquidjs charges too is charged twice: a
 * conservative count, never a missed one.
 */
function withChargedFilters(engine: Liquid, lib: LiquidModule): Liquid {
  for (const [name, impl] of Object.entries(engine.filters)) {
    const handler = typeof impl === 'function' ? impl : impl.handler;
    if (!handler) continue;
    const run = handler as (this: unknown, ...args: unknown[]) => unknown;
    function charged(this: { readonly context: { readonly memoryLimit: Charge } }, ...args: unknown[]): unknown {
      const result = run.apply(this, args);
      const charge = this.context.memoryLimit;
      if (isIterator(result) || result instanceof Promise) {
        return (function* (): Generator<unknown, unknown, unknown> {
          const value = yield result;
          charge.use(sizeOf(lib.toValue(value)));
          return value;
        })();
      }
      charge.use(sizeOf(result));
      return result;
    }
    engine.registerFilter(name, typeof impl === 'function' ? charged : { ...impl, handler: charged });
  }
  return engine;
}

/**
 * The tags that output their body to some recipients only, when what they read varies: a
 * condition, a `case` or a loop (see {@link forEveryRecipient}).
 */
const BRANCHING_TAGS = ['if', 'unless', 'case', 'for', 'tablerow'] as const;
type BranchingTag = (typeof BRANCHING_TAGS)[number];

/**
 * The conditions that hold alike for every recipient of a marketing send although they read merge
 * data: a bare presence test of the unsubscribe URL (every marketing send has one) or of the postal
 * address (a marketing send without one is refused), alone in an `{% if %}` or `{% unless %}`
 * without `elsif`. Any other use of them (`unsubscribe_url contains "Q"`: the URL carries a token
 * of its send) varies.
 */
const PRESENCE_TESTS = new Set(['unsubscribe_url', 'workspace.postalAddress']);

/** The names a loop binds in its body: its variable and its loop object. */
const loopNames = (name: BranchingTag, tag: Template): string[] => {
  const variable = (tag as { variable?: string }).variable;
  if (variable === undefined) return [];
  return [variable, name === 'tablerow' ? 'tablerowloop' : 'forloop'];
};

const lintRenders = new WeakMap<object, LintRender>();

/**
 * Whether the arguments of `tag` (not its body) read anything whose value may vary between the
 * recipients or sends of a template: every name read counts, except a {@link PRESENCE_TESTS} alone
 * and the variable and loop object of a loop over constant data around the tag (a range of literals,
 * `{% if forloop.last %}` inside it); `forloop.parentloop` may be a loop that varies.
 */
function readsRecipientData(engine: Liquid, name: BranchingTag, tag: Template, lint: LintRender): boolean {
  const { arguments: args } = tag;
  // A tag that cannot say what it reads may read anything.
  if (!args) return true;
  const branches = (tag as { branches?: readonly unknown[] }).branches;
  if ((name === 'if' || name === 'unless') && branches?.length === 1 && PRESENCE_TESTS.has(argsOf(tag).trim())) {
    return false;
  }
  // liquidjs's static analysis of a template made of the tag's arguments alone.
  const head: Template = { token: tag.token, render: () => '', arguments: () => args.call(tag) };
  const { globals } = engine.analyzeSync([head], { partials: false });
  return Object.values(globals).some((reads) => reads.some((read) => !boundByConstantLoop(read.segments, lint)));
}

/** The text of a tag's arguments (`{% if a == 1 %}`: `a == 1`). */
const argsOf = (tag: Template): string => (tag.token as { args?: string }).args ?? '';

function boundByConstantLoop(segments: readonly unknown[], lint: LintRender): boolean {
  const [root, ...rest] = segments;
  if (typeof root !== 'string' || rest.includes('parentloop')) return false;
  for (let index = lint.loops.length - 1; index >= 0; index--) {
    const loop = lint.loops[index];
    if (loop?.names.includes(root)) return loop.constant;
  }
  return false;
}

/** The bodies a branching tag chooses between, its `else` last (an empty one when it has none). */
function branchesOf(tag: Template): Template[][] {
  const shape = tag as { branches?: { templates: Template[] }[]; templates?: Template[]; elseTemplates?: Template[] };
  const bodies = shape.branches ? shape.branches.map((branch) => branch.templates) : [shape.templates ?? []];
  return [...bodies, shape.elseTemplates ?? []];
}

/**
 * The marketing lint's engine: `engine` whose branching tags, when what they read varies between
 * recipients ({@link readsRecipientData}), render what every recipient gets whichever branch is
 * theirs ({@link renderEveryBranch}); a tag on constant data renders as it does in a send, a loop
 * over constant data with its variables known as constant inside. `cycle` writes nothing (which of
 * its values a recipient gets depends on how often their loops ran).
 */
function forEveryRecipient(engine: Liquid, lib: LiquidModule): Liquid {
  const bases = { if: lib.IfTag, unless: lib.UnlessTag, case: lib.CaseTag, for: lib.ForTag, tablerow: lib.TablerowTag };
  for (const name of BRANCHING_TAGS) {
    const Base = bases[name] as unknown as typeof lib.IfTag;
    engine.registerTag(
      name,
      class extends Base {
        override *render(...args: Parameters<InstanceType<typeof lib.IfTag>['render']>) {
          const [ctx, emitter] = args;
          const lint = lintRenders.get(ctx);
          if (!lint) return yield* super.render(...args);
          const constant = !readsRecipientData(engine, name, this, lint);
          lint.loops.push({ names: loopNames(name, this), constant });
          try {
            if (constant) return yield* super.render(...args);
            yield* renderEveryBranch(engine, lib, { name, tag: this, ctx, emitter, lint });
          } finally {
            lint.loops.pop();
          }
        }
      },
    );
  }
  engine.registerTag(
    'cycle',
    class extends lib.CycleTag {
      override *render() {}
    },
  );
  return engine;
}

/** What one branch shows, rendered on its own. */
interface BranchShown extends Shown {
  /**
   * Whether the branch may change how what follows it is read: it ends inside a comment, tag or
   * raw-text element, closes an element it did not open, leaves a hiding element open (or, in the
   * text part, opens or closes a comment), or holds a cut.
   */
  readonly changesWhatFollows: boolean;
}

function branchShown(lint: LintRender, output: string): BranchShown {
  const at = output.indexOf(lint.cut);
  const kept = at < 0 ? output : output.slice(0, at);
  if (lint.part === 'text') {
    return {
      unsubscribeLink: false,
      postalAddress: from.lettersOf(stripHtmlComments(kept)).includes(from.lettersOf(LINT_POSTAL_ADDRESS)),
      changesWhatFollows: at >= 0 || kept.includes('<!--') || kept.includes('-->'),
    };
  }
  const { shown, scan } = from.scanShown(kept, LINT_UNSUBSCRIBE_URL, LINT_POSTAL_ADDRESS);
  return {
    ...shown,
    changesWhatFollows: at >= 0 || scan.endsOpen || scan.unmatchedEnds > 0 || scan.openHidden > 0,
  };
}

/**
 * A branching tag on varying data, in the marketing lint: each branch (its `else` too, an empty one
 * when it has none; a loop's body and its `else`) renders on its own, from the same assigned names,
 * with a loop's variable and loop object unknown. What the tag then writes is what every recipient
 * gets:
 * - when every branch wrote the same text and none changes what follows it (a loop's body may run
 *   several times), that text;
 * - else the unsubscribe link when every branch shows one, the postal address when every branch
 *   shows it, and a cut when a branch changes how what follows is read (an unclosed comment, a
 *   hidden element left open...): nothing after it counts.
 * A name the branches assigned alike keeps that value, one they assigned differently is unknown
 * after; a `break` or `continue` in a branch of a condition ends the loop around it (what follows it
 * in the loop is not shown to every recipient).
 */
function* renderEveryBranch(
  engine: Liquid,
  lib: LiquidModule,
  at: {
    readonly name: BranchingTag;
    readonly tag: Template;
    readonly ctx: InstanceType<LiquidModule['Context']>;
    readonly emitter: Emitter;
    readonly lint: LintRender;
  },
): Generator<unknown, void, unknown> {
  const { ctx, lint } = at;
  const loop = at.name === 'for' || at.name === 'tablerow';
  const assigned = ctx.bottom() as Record<string, unknown>;
  const before = { ...assigned };
  const outputs: string[] = [];
  const after: Record<string, unknown>[] = [];
  let broke = false;
  let continued = false;
  for (const templates of branchesOf(at.tag)) {
    for (const key of Object.keys(assigned)) if (!Object.hasOwn(before, key)) delete assigned[key];
    Object.assign(assigned, before);
    const output = new BoundedOutput(RENDERED_PART_MAX_CHARS, lib.toValue, ctx.memoryLimit);
    const names = loopNames(at.name, at.tag);
    if (names.length > 0) ctx.push(Object.fromEntries(names.map((name) => [name, undefined])));
    try {
      yield engine.renderer.renderTemplates(templates, ctx, output);
    } finally {
      if (names.length > 0) ctx.pop();
    }
    broke ||= ctx.breakCalled;
    continued ||= ctx.continueCalled;
    ctx.breakCalled = ctx.continueCalled = false;
    outputs.push(output.buffer);
    after.push({ ...assigned });
  }
  for (const key of new Set(after.flatMap((names) => Object.keys(names)))) {
    const first = after[0]?.[key];
    assigned[key] = after.every((names) => Object.hasOwn(names, key) && names[key] === first) ? first : undefined;
  }
  // A loop's own `break` and `continue` end in it; a condition's reach the loop around it.
  if (!loop && broke) ctx.breakCalled = true;
  else if (!loop && continued) ctx.continueCalled = true;
  const shown = outputs.map((output) => branchShown(lint, output));
  const same = outputs.every((output) => output === outputs[0]);
  if (same && !(loop && shown[0]?.changesWhatFollows)) {
    at.emitter.write(outputs[0] ?? '');
    return;
  }
  if (shown.every((branch) => branch.unsubscribeLink)) at.emitter.write(`<a href="${LINT_UNSUBSCRIBE_URL}">u</a>`);
  if (shown.every((branch) => branch.postalAddress)) at.emitter.write(LINT_POSTAL_ADDRESS);
  if (shown.some((branch) => branch.changesWhatFollows)) at.emitter.write(lint.cut);
}

/** What the marketing lint's render knows, per render (liquidjs Context) of the lint's engines. */
export interface LintRender {
  readonly part: 'html' | 'text';
  /**
   * Written where what follows may be hidden from some recipients: what follows it is cut off
   * before the render is judged. Random per render, so no template can write it.
   */
  readonly cut: string;
  /** The loops around what renders: the names each binds, and whether it is over constant data. */
  readonly loops: { readonly names: readonly string[]; readonly constant: boolean }[];
}

export interface Engines {
  readonly html: Liquid;
  readonly text: Liquid;
  /** The marketing lint's: branching tags on varying data render what every branch shows ({@link forEveryRecipient}). */
  readonly lintHtml: Liquid;
  readonly lintText: Liquid;
  readonly lib: LiquidModule;
  /** An output of `maxChars` at most, charged to `budget`. */
  readonly output: (maxChars: number, budget: Charge) => Emitter & { readonly buffer: string };
  /** Marks a render (its Context) as the marketing lint's. */
  readonly lintRender: (ctx: object, lint: LintRender) => void;
}

/** The engines: HTML escapes what it outputs, text does not; each also as the marketing lint's. */
export function makeEngines(templates: FromTemplates): Engines {
  from = templates;
  const make = (escaping: boolean) =>
    withChargedFilters(
      withBoundedOutput(
        withoutFileTags(new lib.Liquid({ ...OPTIONS, ...(escaping ? { outputEscape: 'escape' as const } : {}) })),
        lib,
      ),
      lib,
    );
  return {
    html: make(true),
    text: make(false),
    lintHtml: forEveryRecipient(make(true), lib),
    lintText: forEveryRecipient(make(false), lib),
    lib,
    output: (maxChars, budget) => new BoundedOutput(maxChars, lib.toValue, budget),
    lintRender: (ctx, lint) => lintRenders.set(ctx, lint),
  };
}
