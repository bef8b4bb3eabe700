/**
 * An agent is a fixed system prompt, an input builder and a zod output schema; {@link runAgent}
 * asks a provider, parses and validates the answer, and gives one typed result. Invalid output
 * gets exactly one repair retry that tells the model what was wrong; after that the result is
 * `failed` (kind `invalid-output`), never a half-parsed object. An offline answer is `offline`,
 * with no output at all: nothing is made up in its place.
 */
import * as z from 'zod/mini';
import { round2 } from '../../crm/scoring/decay';
import {
  type AiAgent,
  type AiAnswer,
  type AiFailureKind,
  type AiProvider,
  AiProviderError,
  isDeadline,
} from '../ports';
import { bounded, promptData, wellFormed } from './prompt-data';

export interface Agent<I, O> {
  readonly name: AiAgent;
  /** Constant per agent (the provider caches it). */
  readonly system: string;
  readonly output: z.ZodMiniType<O>;
  readonly maxOutputTokens: number;
  /** The call's input as the model reads it, bounded in size (long parts are cut with a note). */
  prompt(input: I): string;
}

/** What a run cost and who answered: the sums over both attempts when a repair was needed. */
export interface AgentRun {
  readonly provider: AiAnswer['provider'];
  readonly model: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costUsd: number;
  readonly latencyMs: number;
  readonly offline: boolean;
  readonly fallback?: AiAnswer['fallback'];
  /** Model calls made: 1, or 2 after a repair retry. */
  readonly attempts: number;
}

export interface OutputIssue {
  readonly path: string;
  readonly message: string;
}

export type AgentResult<O> =
  | (AgentRun & { readonly status: 'completed'; readonly output: O })
  | (AgentRun & { readonly status: 'offline' })
  | (AgentRun & {
      readonly status: 'failed';
      readonly kind: AiFailureKind;
      readonly reason: string;
      readonly issues?: readonly OutputIssue[];
    });

/** The JSON Schema the provider is asked to answer in, from the agent's zod schema. */
export function jsonSchemaOf(agent: Pick<Agent<unknown, unknown>, 'output'>): Record<string, unknown> {
  const { $schema: _dialect, ...schema } = z.toJSONSchema(agent.output, { io: 'output' }) as Record<string, unknown>;
  return schema;
}

export { bounded } from './prompt-data';

/**
 * A figure in a model's answer: a number within `[min, max]`, rounded to two decimals in the parse
 * (`z.overwrite`, invisible in the JSON Schema the provider gets). Every number of an output schema
 * is one (or an integer within bounds), so a validated answer is storable by construction:
 * DynamoDB refuses a magnitude under 1e-130 ("Number underflow") or of 1e126 and over, and a model
 * answering 1e-200 passes a range check alone (review round 22).
 */
export const modelFigure = (min: number, max: number) => z.number().check(z.gte(min), z.lte(max), z.overwrite(round2));

/** Words as a reader counts them: runs of non-space characters. */
export const wordCount = (text: string): number => text.split(/\s+/).filter(Boolean).length;

type Parsed<O> = { ok: true; value: O } | { ok: false; issues: OutputIssue[] };

/** The answer's JSON (a ```json fence around it tolerated), validated by the schema. */
export function parseOutput<O>(output: z.ZodMiniType<O>, text: string): Parsed<O> {
  const trimmed = text.trim();
  const fenced = /^```(?:json)?\s*([\s\S]*?)\s*```$/i.exec(trimmed);
  let json: unknown;
  try {
    json = JSON.parse(fenced?.[1] ?? trimmed);
  } catch {
    return { ok: false, issues: [{ path: '', message: 'The answer is not valid JSON' }] };
  }
  const parsed = output.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    issues: parsed.error.issues.slice(0, 20).map((i) => ({ path: i.path.join('.'), message: i.message })),
  };
}

const runOf = (answers: readonly AiAnswer[]): AgentRun => {
  const last = answers[answers.length - 1] as AiAnswer;
  const sum = (f: (a: AiAnswer) => number) => answers.reduce((n, a) => n + f(a), 0);
  const fallback = answers.find((a) => a.fallback)?.fallback;
  return {
    provider: last.provider,
    model: last.model,
    inputTokens: sum((a) => a.usage.inputTokens + (a.usage.cacheReadTokens ?? 0) + (a.usage.cacheWriteTokens ?? 0)),
    outputTokens: sum((a) => a.usage.outputTokens),
    costUsd: sum((a) => a.costUsd),
    latencyMs: sum((a) => a.latencyMs),
    offline: last.offline,
    ...(fallback ? { fallback } : {}),
    attempts: answers.length,
  };
};

/** The repair prompt: the original input, the rejected answer and why it was rejected. */
function repairPrompt(input: string, rejected: string, issues: readonly OutputIssue[]): string {
  const problems = issues.map((i) => `- ${i.path || '(the whole answer)'}: ${i.message}`).join('\n');
  return [
    input,
    '',
    'Your previous answer was rejected because it does not match the required JSON schema:',
    problems,
    '',
    '<rejected_answer>',
    promptData(bounded(rejected, 4000)),
    '</rejected_answer>',
    '',
    'Answer again with only a JSON object that matches the schema, fixing every problem listed.',
  ].join('\n');
}

export interface RunAgentOptions {
  /** The whole run's deadline (both attempts). */
  readonly signal?: AbortSignal;
}

/** The run of a call that got no answer at all: nothing spent. */
const emptyRun = (provider: AiProvider): AgentRun => ({
  provider: provider.name,
  model: 'none',
  inputTokens: 0,
  outputTokens: 0,
  costUsd: 0,
  latencyMs: 0,
  offline: false,
  attempts: 0,
});

/** True when the run's own deadline (`options.signal`, a `TimeoutError`) has passed. */
const deadlinePassed = (options: RunAgentOptions): boolean =>
  options.signal?.aborted === true && isDeadline(options.signal.reason);

/**
 * Runs `agent` on `input`. The run's deadline (`options.signal` aborted with a `TimeoutError`,
 * whichever attempt it cuts) ends it as a `failed` result of kind `timeout` that reports the
 * usage of the answers already received (`attempts: 0` when none was). Any other provider
 * failure of the first attempt is thrown as the provider's {@link AiProviderError} (nothing was
 * spent); one of the repair attempt becomes a `failed` result that still reports the first
 * attempt's usage, so budgets count what was spent. Only a cancellation (the signal aborted for
 * another reason) and non-provider errors are thrown from the repair.
 */
export async function runAgent<I, O>(
  agent: Agent<I, O>,
  input: I,
  provider: AiProvider,
  options: RunAgentOptions = {},
): Promise<AgentResult<O>> {
  // Well-formed, whatever the data: a lone surrogate makes Anthropic refuse the request (400).
  const prompt = wellFormed(agent.prompt(input));
  const request = {
    agent: agent.name,
    system: agent.system,
    schema: { name: agent.name.replaceAll('-', '_'), jsonSchema: jsonSchemaOf(agent) },
    maxOutputTokens: agent.maxOutputTokens,
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const timedOut = (error: unknown, answers: readonly AiAnswer[], what: string): AgentResult<O> => ({
    status: 'failed',
    kind: 'timeout',
    reason: `The run's deadline passed during ${what}: ${error instanceof Error ? error.message : String(error)}`,
    ...(answers.length ? runOf(answers) : emptyRun(provider)),
  });
  let first: AiAnswer;
  try {
    first = await provider.answer({ ...request, input: prompt });
  } catch (error) {
    if (deadlinePassed(options)) return timedOut(error, [], 'the first attempt');
    throw error;
  }
  const answers: AiAnswer[] = [first];
  if (first.offline) return { status: 'offline', ...runOf(answers) };
  let parsed = parseOutput(agent.output, first.text);
  if (!parsed.ok) {
    let repaired: AiAnswer;
    try {
      repaired = await provider.answer({
        ...request,
        input: wellFormed(repairPrompt(prompt, first.text, parsed.issues)),
      });
    } catch (error) {
      if (deadlinePassed(options)) return timedOut(error, answers, 'the repair attempt');
      if (!(error instanceof AiProviderError)) throw error;
      return {
        status: 'failed',
        kind: error.finalKind,
        reason: `The repair attempt failed: ${error.message}`,
        ...runOf(answers),
      };
    }
    answers.push(repaired);
    // A chain that fell back to offline for the repair: say offline, keep nothing of the first answer.
    if (repaired.offline) return { status: 'offline', ...runOf(answers) };
    parsed = parseOutput(agent.output, repaired.text);
  }
  if (parsed.ok) return { status: 'completed', output: parsed.value, ...runOf(answers) };
  return {
    status: 'failed',
    kind: 'invalid-output',
    reason: `The model's answer did not match the ${agent.name} schema after one repair attempt`,
    issues: parsed.issues,
    ...runOf(answers),
  };
}
