// Review round 19: this test failed at e88bb96.
// Every pattern of the redaction (redact.ts, request-line.ts, sentry-scrub.ts) must be linear: an
// unbounded quantifier before something that can fail, restarted at many positions, was quadratic.
import { describe, expect, it } from 'vitest';
import { redactString } from '../../../shared/observability/redact';
import { loggableTarget } from '../../../shared/observability/request-line';
import { sentryBeforeSend } from '../../../shared/observability/sentry-scrub';

const TEMPLATES = ['/u/{token}', '/api/hooks/campaigns/{id}/{token}'];

/** Hostile units, one or more per pattern family; each is repeated to the measured size. */
const FAMILIES: [family: string, unit: string, prefix?: string][] = [
  ['JWT: a run of eyJ- (a start at every eyJ)', 'eyJ-'],
  ['JWT: one dot, then eyJ- runs', 'eyJ-', 'eyJabcd.'],
  ['JWT: two segments, no second dot', 'eyJabcd.efgh-'],
  ['JWT: dots only', 'eyJ.'],
  ['email: @ without a domain', 'a@b.'],
  ['email: encoded @ and labels', '!a%40a.a.a.a.a.a.a1'],
  ['email: dotted local parts', 'a.a@'],
  ['URL user info: dotted schemes', 'a.a.a://x'],
  ['URL user info: schemes without a host', 'a://b:'],
  ['URL user info: one scheme, a long user info', 'u:', 'x://'],
  ['Bearer: spaces without a token', 'Bearer  '],
  ['Bearer: a run of the word', 'bearer\t'],
  ['Basic: a run of credentials', 'Basic QUJD-'],
  ['API keys: uh_ without 32 hex', 'uh_0a1b-'],
  ['provider keys: re_ without a digit', 're_aaaa-'],
  ['provider keys: a long re_ name without a digit', 'a', 're_'],
  ['provider keys: short sk-', 'sk-a-'],
  ['URL parameters: names without =', '&a'],
  ['URL parameters: pairs in prose', ' a=b'],
  ['mailed fragments', '/verify-email#'],
  ['JSON pairs: an unclosed value', '"k":"'],
  ['JSON pairs: escaped quotes in an unclosed value', '"k":"\\"'],
  ['JSON pairs: a long unclosed value', 'x', '"password":"'],
  ['JSON pairs: space before a colon', '"k"   '],
  ['JSON pairs: a quote and spaces', '"  '],
  ['colon pairs: names', 'token:'],
  ['colon pairs: prose', 'a: b '],
  ['colon pairs: header names', 'Cookie:\n'],
  ['colon pairs: quoted names', "'token' :'x"],
];

/**
 * This thread's CPU time in milliseconds: unlike the wall clock, it does not count the time another
 * process (tests run in parallel) holds the core. `process.cpuUsage()` where Node has no thread clock.
 */
function cpuMs(): number {
  const { threadCpuUsage } = process as { threadCpuUsage?: () => NodeJS.CpuUsage };
  const usage = threadCpuUsage ? threadCpuUsage() : process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** CPU milliseconds `run` takes on `input`, `times` times over. */
function timed(run: (input: string) => unknown, input: string, times: number): number {
  const started = cpuMs();
  for (let i = 0; i < times; i++) run(input);
  return cpuMs() - started;
}

/**
 * Checks that `run` costs about the same per character on 32 KB and on 1 MB of `unit`: 32 runs of
 * 32 KB against 1 run of 1 MB, the same number of characters, in CPU time, each the least of 4
 * interleaved rounds (a collection hits both sizes alike). A quadratic scan gives a ratio of 32.
 * Linear work gives 1 on a quiet machine, but not always: a busy machine measured the same linear
 * scan 6-10 times cheaper per character on an input that stays in the core's caches than on one that
 * does not (15 against 96 us/KB at 16 and 256 KB), so the bound is 16, half of what a quadratic scan
 * gives. Both sides are repeated until the larger takes about 20 ms of CPU (at most 16 times), so a
 * millisecond of scheduler noise cannot make the ratio. A 1 MB run over 1.5 s fails at once.
 */
function expectLinear(run: (input: string) => unknown, unit: string, prefix = ''): void {
  const input = (kb: number) => prefix + unit.repeat(Math.ceil((kb * 1024) / unit.length));
  const small = input(32);
  const large = input(1024);
  const once = timed(run, large, 1);
  expect(once, `1 MB once: ${once.toFixed(2)} ms`).toBeLessThan(1500);
  const reps = Math.min(16, Math.max(1, Math.ceil(20 / Math.max(once, 0.5))));
  let smallMs = Number.POSITIVE_INFINITY;
  let largeMs = Number.POSITIVE_INFINITY;
  const shown = () => `${reps} x (32 x 32 KB): ${smallMs.toFixed(2)} ms, ${reps} x 1 MB: ${largeMs.toFixed(2)} ms`;
  for (let round = 0; round < 4; round++) {
    smallMs = Math.min(smallMs, timed(run, small, 32 * reps));
    expect(smallMs / reps, shown()).toBeLessThan(1500);
    largeMs = Math.min(largeMs, timed(run, large, reps));
    expect(largeMs / reps, shown()).toBeLessThan(1500);
  }
  // Below a millisecond the clock and the scheduler dominate.
  const ratio = Math.max(largeMs, 1) / Math.max(smallMs, 1);
  expect(ratio, shown()).toBeLessThan(16);
}

/** Each check scans ~8 MB (4 rounds of 2 x 1 MB): seconds on a slow machine, not vitest's default 5. */
const LINEAR_TIMEOUT_MS = 60_000;

describe('r19l: every redaction pattern is linear in its input', () => {
  it.each(FAMILIES)(
    'redactString: %s',
    (_, unit, prefix) => {
      expectLinear(redactString, unit, prefix);
    },
    LINEAR_TIMEOUT_MS,
  );

  it(
    'loggableTarget: a long path after a secret route prefix, and a long path that fits none',
    () => {
      expectLinear((path) => loggableTarget(path, TEMPLATES), '/eyJ-', '/u');
      expectLinear((path) => loggableTarget(path, TEMPLATES), '/a');
    },
    LINEAR_TIMEOUT_MS,
  );

  it(
    'sentryBeforeSend: long header names and values',
    () => {
      const send = (text: string) =>
        sentryBeforeSend({ type: undefined, request: { headers: { [text]: text, 'x-note': text } }, message: text });
      expectLinear(send, '-ip-');
      expectLinear(send, 'client-');
    },
    LINEAR_TIMEOUT_MS,
  );
});

describe('r19l: no pattern overflows on a value of several MB', () => {
  // V8 keeps a backtracking entry per character for `x{4,}` and for a repeated alternation: a run of
  // 6 MB (`x{4,}`, a request body at the Lambda payload limit) or 8 MB (a quoted value) threw
  // "Maximum call stack size exceeded".
  const run = 'x'.repeat(8 << 20);
  it.each([
    ['a Basic credential', `Basic ${'dTpw'.repeat(8 << 18)}`, 'Basic [REDACTED]'],
    ['an sk- key', `sk-${run}`, '[REDACTED]'],
    ['a re_ key', `re_1${run}`, '[REDACTED]'],
    ['a single-quoted value', `password: '${run}'`, "password: '[REDACTED]'"],
    ['a JSON value', `{"password":"${run}"}`, '{"password":"[REDACTED]"}'],
  ])('%s', (_, input, expected) => {
    expect(redactString(input)).toBe(expected);
  });
});

describe('r19l: JSON values are read by a loop', () => {
  it('redacts a sensitive value, closed, escaped or unclosed (a truncated body: to the end of its line)', () => {
    expect(redactString('{"password":"a\\"b","n":"x"}')).toBe('{"password":"[REDACTED]","n":"x"}');
    expect(redactString('body {"password":"hunter2\nnext line')).toBe('body {"password":"[REDACTED]\nnext line');
    expect(redactString('{"note":"x\\"password\\":\\"y","token":"t"}')).toBe(
      '{"note":"x\\"password\\":\\"y","token":"[REDACTED]"}',
    );
  });
});
