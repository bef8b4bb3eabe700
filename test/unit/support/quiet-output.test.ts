import { describe, expect, it } from 'vitest';
import { throughConsole } from '../../support/quiet-output';

/** A stream that records what reaches it directly. */
const fakeStream = () => {
  const direct: unknown[] = [];
  const stream = {
    write: ((chunk: unknown) => {
      direct.push(chunk);
      return true;
    }) as NodeJS.WriteStream['write'],
  };
  return { stream, direct };
};

describe('quiet test output', () => {
  it('hands what code writes to stdout to console instead (vitest keeps it with its test)', () => {
    const { stream, direct } = fakeStream();
    const printed: string[] = [];
    throughConsole(stream, (text) => printed.push(text));
    let called = false;

    stream.write('{"level":"INFO","message":"a"}\n', () => {
      called = true;
    });
    stream.write(Buffer.from('{"_aws":{}}\n'));

    expect(printed).toEqual(['{"level":"INFO","message":"a"}', '{"_aws":{}}']);
    expect(direct).toEqual([]);
    expect(called).toBe(true);
  });

  it('writes directly should printing land on the same stream, instead of looping', () => {
    const { stream, direct } = fakeStream();
    throughConsole(stream, (text) => stream.write(`[console] ${text}\n`));

    stream.write('line\n');

    expect(direct).toEqual(['[console] line\n']);
  });
});
