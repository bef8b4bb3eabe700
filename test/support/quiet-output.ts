/**
 * Quiet test runs (a setup file of every project in vitest.config.ts). The functions under test
 * log through Powertools, which writes to process.stdout/stderr with a Console of its own, past
 * vitest's capture of `console`. Here those writes go through `console` instead, so vitest keeps
 * each line with the test that printed it and, with `silent: 'passed-only'`, shows the lines of
 * failing tests only. `DEBUG=1` (or `E2E_VERBOSE=1`) prints every line as it comes.
 */
import { printsEverything } from './test-output';

/** Replaces `stream.write` by `print` of the text (one trailing newline off; console adds its own). */
export function throughConsole(stream: Pick<NodeJS.WriteStream, 'write'>, print: (text: string) => void): void {
  const write = stream.write.bind(stream);
  let inside = false;
  stream.write = ((chunk: unknown, encoding?: unknown, callback?: unknown) => {
    // Should `console` itself end up on this stream, write it out rather than loop.
    if (inside) return (write as (...args: unknown[]) => boolean)(chunk, encoding, callback);
    inside = true;
    try {
      print((Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk)).replace(/\n$/, ''));
    } finally {
      inside = false;
    }
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') done();
    return true;
  }) as typeof stream.write;
}

if (!printsEverything()) {
  throughConsole(process.stdout, (text) => console.log(text));
  throughConsole(process.stderr, (text) => console.error(text));
}
