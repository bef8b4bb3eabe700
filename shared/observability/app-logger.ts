/**
 * The Powertools Logger with two guarantees it does not give on its own:
 * - a field passed to one log call never overwrites a key the logger itself writes (the
 *   formatter's standard keys, the persistent `stage` and `version`, keys appended for the
 *   request such as `correlation_id`, `routeId`, `workspaceId`);
 * - `cold_start` is true on the first invocation of each function, also when the local
 *   runtime hosts every function in one process and so shares one logger among them.
 */
import { Logger, type LogItem } from '@aws-lambda-powertools/logger';
import type { LogAttributes, LogItemExtraInput, LogItemMessage } from '@aws-lambda-powertools/logger/types';
import { STANDARD_LOG_KEYS } from './log-formatter';

/** Prefix a per-call field gets when its name is a logger key with another value: `stage` -> `call_stage`. */
export const CALL_FIELD_PREFIX = 'call_';

const standardKeys: ReadonlySet<string> = new Set(STANDARD_LOG_KEYS);

type LambdaContext = Parameters<Logger['addContext']>[0];

/** A Logger whose per-call fields cannot overwrite its own keys, with `cold_start` per function. */
export class AppLogger extends Logger {
  /** Keys appended for the current request (Powertools offers no getter for them). */
  readonly #appended = new Map<string, unknown>();
  /** Functions that had their first invocation in this process. */
  readonly #warm = new Set<string>();
  #functionName = '';

  override appendKeys(attributes: LogAttributes): void {
    super.appendKeys(attributes);
    for (const [key, value] of Object.entries(attributes)) this.#appended.set(key, value);
  }

  override removeKeys(keys: string[]): void {
    super.removeKeys(keys);
    for (const key of keys) this.#appended.delete(key);
  }

  override resetKeys(): void {
    super.resetKeys();
    this.#appended.clear();
  }

  override addContext(context: LambdaContext): void {
    this.#functionName = context.functionName;
    super.addContext(context);
  }

  /**
   * Powertools keeps one cold-start flag per Logger instance, which in Lambda (one function per
   * process) means per function. The local runtime loads every function into one process, so
   * the flag is kept per function name instead. As in Powertools, an execution environment that
   * Lambda initialised ahead of traffic (provisioned concurrency, SnapStart) has no cold start;
   * outside Lambda (no initialisation type at all: the local runtime) the first call is one.
   */
  protected override getColdStart(): boolean {
    const initialisation = process.env.AWS_LAMBDA_INITIALIZATION_TYPE?.trim();
    if (initialisation !== undefined && initialisation !== 'on-demand') return false;
    if (this.#warm.has(this.#functionName)) return false;
    this.#warm.add(this.#functionName);
    return true;
  }

  protected override createAndPopulateLogItem(
    logLevel: number,
    input: LogItemMessage,
    extraInput: LogItemExtraInput,
  ): LogItem {
    const guarded = extraInput.map((item) => this.#guard(item, false)) as LogItemExtraInput;
    return super.createAndPopulateLogItem(logLevel, this.#guard(input, true) as LogItemMessage, guarded);
  }

  /**
   * Renames the fields of one call's attributes that would replace a logger key with another
   * value (`{ stage: 'validate' }` becomes `{ call_stage: 'validate' }`); the same value is left
   * alone, since it changes nothing. Strings, errors and the call's own `message` pass as they are.
   */
  #guard<T>(item: T, isInput: boolean): T {
    if (typeof item !== 'object' || item === null || item instanceof Error) return item;
    const own: Record<string, unknown> = {
      ...this.getPersistentLogAttributes(),
      ...Object.fromEntries(this.#appended),
    };
    const fields = item as Record<string, unknown>;
    let out: Record<string, unknown> | undefined;
    for (const [key, value] of Object.entries(fields)) {
      if (isInput && key === 'message') continue;
      const taken = standardKeys.has(key) || (key in own && !Object.is(own[key], value));
      if (!taken) continue;
      out ??= { ...fields };
      delete out[key];
      out[`${CALL_FIELD_PREFIX}${key}`] = value;
    }
    return (out ?? item) as T;
  }
}
