/**
 * The functions' own log lines (Powertools JSON on stdout/stderr of this process), kept so a
 * test can show the error behind a 5xx next to the request that caused it. Lines below
 * WARN pass through untouched; WARN and ERROR lines are kept (and still printed when
 * `E2E_VERBOSE` is set).
 */

export interface LogTap {
  /** Kept lines that mention `requestId` (the edge sets it as the correlation id). */
  linesFor(requestId: string): string[];
  stop(): void;
}

const KEPT = /"level":"(WARN|ERROR|CRITICAL)"/;

export function tapFunctionLogs(maxLines = 2000): LogTap {
  const kept: string[] = [];
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((s) => s.write.bind(s));
  streams.forEach((stream, i) => {
    const original = originals[i] as typeof stream.write;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : '';
      if (KEPT.test(text)) {
        kept.push(text.trim());
        if (kept.length > maxLines) kept.shift();
        if (!process.env.E2E_VERBOSE) {
          const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
          callback?.();
          return true;
        }
      }
      return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
  });
  return {
    linesFor: (requestId) => kept.filter((line) => line.includes(requestId)),
    stop: () => {
      streams.forEach((stream, i) => {
        stream.write = originals[i] as typeof stream.write;
      });
    },
  };
}
