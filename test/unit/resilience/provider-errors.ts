/** Error shapes the providers' SDKs throw, built by hand so tests need no SDK. */

/** Like the Anthropic/OpenAI SDK `APIError`: `status` plus a `headers` object. */
export function httpError(status: number, headers?: Headers | Record<string, string>): Error {
  return Object.assign(new Error(`${status} from provider`), headers ? { status, headers } : { status });
}

/** Like a Node socket error. */
export function networkError(code: string): Error {
  return Object.assign(new Error(`connect ${code}`), { code });
}

export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
