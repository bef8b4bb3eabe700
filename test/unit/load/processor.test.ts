/**
 * The end-to-end time of load/processor.cjs: `beforeRequest` notes when the virtual user issues a
 * request and `afterResponse` turns it into e2e.response_time, called as Artillery calls them.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LOAD_DIR } from '../../../load/common/paths';

type Done = (error?: Error) => void;
interface Processor {
  beforeRequest(req: { name?: string }, context: { vars: Record<string, unknown> }, events: Events, done: Done): void;
  afterResponse(
    req: { name?: string },
    res: { statusCode: number },
    context: { vars: Record<string, unknown> },
    events: Events,
    done: Done,
  ): void;
}
interface Events {
  emit(type: string, name: string, value: number): void;
}

const require = createRequire(import.meta.url);
const processor = require(path.join(LOAD_DIR, 'processor.cjs')) as Processor;

/** Artillery's event emitter, keeping what was emitted. */
function events() {
  const emitted: [string, string, number][] = [];
  return { emitted, emit: (type: string, name: string, value: number) => void emitted.push([type, name, value]) };
}

/** One request of a virtual user: issued, `waitMs` later answered with `status`. */
function request(
  context: { vars: Record<string, unknown> },
  ee: Events,
  name: string | undefined,
  waitMs: number,
  status = 200,
) {
  const req = { name };
  const done = vi.fn();
  processor.beforeRequest(req, context, ee, done);
  vi.advanceTimersByTime(waitMs);
  processor.afterResponse(req, { statusCode: status }, context, ee, done);
  expect(done).toHaveBeenCalledTimes(2);
  expect(done.mock.calls).toEqual([[], []]);
}

describe('processor end-to-end time', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('records the time from beforeRequest to afterResponse as e2e.response_time and per request name', () => {
    const ee = events();

    request({ vars: {} }, ee, 'GET /api/health', 250);

    expect(ee.emitted).toEqual([
      ['histogram', 'e2e.response_time', 250],
      ['histogram', 'e2e.endpoint.GET /api/health', 250],
    ]);
  });

  it('times each request of a flow from its own start', () => {
    const ee = events();
    const context = { vars: {} };

    request(context, ee, 'GET /api/csrf-token', 40);
    vi.advanceTimersByTime(1000); // think time between the requests
    request(context, ee, 'POST /api/auth/login', 60);

    const e2e = ee.emitted.filter(([, name]) => name === 'e2e.response_time').map(([, , v]) => v);
    expect(e2e).toEqual([40, 60]);
  });

  it('keeps the times of virtual users apart', () => {
    const ee = events();
    const first = { vars: {} };
    const second = { vars: {} };
    const done = vi.fn();

    processor.beforeRequest({ name: 'a' }, first, ee, done);
    vi.advanceTimersByTime(100);
    processor.beforeRequest({ name: 'b' }, second, ee, done);
    vi.advanceTimersByTime(50);
    processor.afterResponse({ name: 'a' }, { statusCode: 200 }, first, ee, done);
    processor.afterResponse({ name: 'b' }, { statusCode: 200 }, second, ee, done);

    expect(ee.emitted.filter(([, name]) => name.startsWith('e2e.endpoint'))).toEqual([
      ['histogram', 'e2e.endpoint.a', 150],
      ['histogram', 'e2e.endpoint.b', 50],
    ]);
  });

  it('counts an answer over 2 s end to end as slow, and 5xx and 429 answers', () => {
    const ee = events();

    request({ vars: {} }, ee, 'GET /', 2001, 503);
    request({ vars: {} }, ee, 'GET /', 2000, 429);

    const counters = ee.emitted.filter(([type]) => type === 'counter');
    expect(counters).toEqual([
      ['counter', 'custom.slow_responses_over_2s', 1],
      ['counter', 'custom.server_errors_5xx', 1],
      ['counter', 'custom.rate_limit_hits_429', 1],
    ]);
  });

  it('records no time for an answer whose start was not noted, nor twice for one start', () => {
    const ee = events();
    const context = { vars: {} };
    const done = vi.fn();

    processor.afterResponse({ name: 'x' }, { statusCode: 200 }, context, ee, done);
    request(context, ee, 'x', 10);
    processor.afterResponse({ name: 'x' }, { statusCode: 200 }, context, ee, done);

    expect(ee.emitted.filter(([, name]) => name === 'e2e.response_time')).toEqual([
      ['histogram', 'e2e.response_time', 10],
    ]);
  });
});

describe('load/scenarios.yml', () => {
  it('wires both hooks into every scenario, so every request is timed end to end', () => {
    const fromArtillery = createRequire(require.resolve('artillery/package.json'));
    const yaml = fromArtillery('js-yaml') as { load(text: string): { scenarios: Record<string, unknown>[] } };
    const { scenarios } = yaml.load(fs.readFileSync(path.join(LOAD_DIR, 'scenarios.yml'), 'utf8'));

    expect(scenarios.length).toBeGreaterThan(0);
    for (const s of scenarios) {
      expect(s, String(s.name)).toMatchObject({ beforeRequest: 'beforeRequest', afterResponse: 'afterResponse' });
    }
  });
});
