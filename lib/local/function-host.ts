/**
 * Loads the declared functions' entry files in this process and invokes their
 * `handler` exports as Lambda would: one event, a Context with the declared timeout.
 * A handler that runs past its timeout is reported as a timeout (Lambda would kill it).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { type FunctionDeclaration, type FunctionName, functions } from '../definition';
import { lambdaContext } from './lambda-context';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** The local invocation a piece of work belongs to (what Lambda would bill it to). */
export interface Invocation {
  readonly functionName: FunctionName;
  readonly requestId: string;
}

const invocations = new AsyncLocalStorage<Invocation>();

/**
 * The invocation running the caller, if any: AWS calls a handler makes, awaited or not, are
 * attributed to it (the store-call counts of test/support/store-calls.ts use this).
 */
export const currentInvocation = (): Invocation | undefined => invocations.getStore();

export class FunctionTimeoutError extends Error {
  override name = 'FunctionTimeoutError';
}

export class FunctionHost {
  private readonly handlers = new Map<FunctionName, Handler>();
  private loading: Promise<void> | undefined;

  constructor(private readonly root: string) {}

  /**
   * Imports every entry file. Call after the environment is set: config is read at import.
   * Invocations that arrive meanwhile (the API listens first: its URL is PUBLIC_BASE_URL)
   * wait for it.
   */
  loadAll(): Promise<void> {
    this.loading ??= this.importAll();
    return this.loading;
  }

  private async importAll(): Promise<void> {
    for (const fn of functions) {
      const url = pathToFileURL(path.join(this.root, fn.entry)).href;
      const mod = (await import(url)) as { handler?: Handler };
      if (typeof mod.handler !== 'function') throw new Error(`${fn.entry} does not export a handler`);
      this.handlers.set(fn.name, mod.handler);
    }
  }

  async invoke(name: FunctionName, event: unknown, requestId?: string): Promise<unknown> {
    await this.loading;
    const handler = this.handlers.get(name);
    if (!handler) throw new Error(`Function ${name} is not loaded`);
    const fn = functions.find((f) => f.name === name) as FunctionDeclaration;
    const context = lambdaContext(fn, requestId);
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        invocations.run({ functionName: name, requestId: context.awsRequestId }, () => handler(event, context)),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new FunctionTimeoutError(`${name} timed out after ${fn.timeoutSeconds} s`)),
            fn.timeoutSeconds * 1000,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }
}
