/**
 * Review round 19 re-review (r19l): redactString is quadratic on a run of `eyJ-` (JWT_PATTERN).
 *
 * Defect: commit 8dde982 documents redactString as "Linear in the length of `s`" and "A 1 MB
 * hostile string takes milliseconds" (shared/observability/redact.ts). JWT_PATTERN
 * `\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*` has an unbounded `{4,}` followed by
 * a `\.` that can fail, and `-` (a non-word character inside the class) makes a word boundary
 * before every `eyJ` of `eyJ-eyJ-eyJ-...`: each of the n starts scans the whole rest of the string
 * and backtracks it looking for a dot, O(n^2). 64 KB takes ~3 s, 1 MB ~10+ minutes. Every log
 * line's message and attributes (log-formatter.ts, through `redact`), every function error the local
 * host prints (`loggableError`), the request line (`loggableTarget`) and every Sentry event (request
 * body, extra, breadcrumbs) go through it: a caller that gets such a string into a logged value
 * (a body field echoed in an error, a Sentry event's request data) pins the function's CPU.
 *
 * Severity: MEDIUM (CPU exhaustion / Lambda timeouts from attacker-shaped text in logs).
 *
 * Root cause: shared/observability/redact.ts JWT_PATTERN (unbounded quantifier before a `\.` that
 * may fail, with starts at every `eyJ` after a `-`).
 *
 * Correct behaviour: linear time, as the other patterns (bound the segments, e.g. `{4,4096}`, or
 * match `eyJ[A-Za-z0-9_-]+` greedily and check the two dots in a callback, or forbid a start
 * inside a previous candidate with a lookbehind on `-`).
 */
import { describe, expect, it } from 'vitest';
import { redactString } from '../../../shared/observability/redact';

describe('r19l: redactString stays linear on JWT-shaped runs', () => {
  it('96 KB of `eyJ-` is scanned in well under a second (documented: 1 MB in milliseconds)', () => {
    const hostile = 'eyJ-'.repeat(24 * 1024);
    const started = performance.now();
    redactString(hostile);
    const ms = performance.now() - started;
    // Linear: a few milliseconds. Quadratic: several seconds (≈3 s for 64 KB on the review machine).
    expect(ms, `redactString took ${ms.toFixed(0)} ms on ${hostile.length} characters`).toBeLessThan(1000);
  });
});
