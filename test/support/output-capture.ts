/**
 * What the Powertools logger and metrics print, read back: both write JSON lines through their
 * own Console on process.stdout/stderr, so a test captures those writes.
 */
import { vi } from 'vitest';
import { metrics } from '../../shared/observability/logger';

export interface Captured {
  /** Every JSON line printed since the capture started. */
  lines(): Record<string, unknown>[];
  stop(): void;
}

export function captureOutput(): Captured {
  const chunks: string[] = [];
  const spies = [process.stdout, process.stderr].map((stream) =>
    vi.spyOn(stream, 'write').mockImplementation((chunk: unknown) => {
      chunks.push(String(chunk));
      return true;
    }),
  );
  return {
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line.trim().startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    stop: () => {
      for (const spy of spies) spy.mockRestore();
    },
  };
}

/** The metrics the shared instance holds, flushed as EMF and read back as one object per flush. */
export function flushedMetrics(): Record<string, unknown>[] {
  const output = captureOutput();
  try {
    metrics.publishStoredMetrics();
    return output.lines().filter((line) => '_aws' in line);
  } finally {
    output.stop();
  }
}
