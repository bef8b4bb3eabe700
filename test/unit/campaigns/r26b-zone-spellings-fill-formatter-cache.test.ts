// Review round 26 (b): every spelling of a contact's time zone gets its own cached
// Intl.DateTimeFormat, kept for the life of the container. A contact's zone is the custom field
// `timeZone`, taken as written when Intl knows it (shared/adapters/dynamo-campaign-contacts.ts:26,
// `isTimeZone(zone) ? { timeZone: zone }`), and Intl takes any letter case: `america/ARGENTINA/
// buenos_aires`, `AMERICA/argentina/...` (2^29 spellings of that one zone). The zoned clock caches
// a formatter per zone string in an unbounded module-level Map (shared/zoned-time.ts:83-101,
// `formatters`), keyed by the spelling, so each spelling read by a send window or a time-of-day
// wait (execute-node.ts:157 and :396) costs ~14 KB of native memory that is never given back
// (measured: 20,000 spellings of one zone add ~285 MB RSS; the drip-step-worker has 512 MB), and
// the same zone travels on the queued mail (`window.zone`) into the email sender's cache. Aliases
// make it worse: ianaTimeZone keeps an alias "as written" (zoned-time.ts:37-41), so not even the
// `timeZone` schema folds their case.
// Severity MEDIUM: one workspace member (a CSV import or PATCHes of contacts with such a field,
// then a campaign with a send window or a time-of-day wait) grows the shared worker containers
// until they run out of memory, failing the steps of every workspace processed there; nothing in
// the request is invalid, so nothing refuses it.
// Fails at 1fcafc7.
// Reached by: any member who can import or edit contacts and publish a campaign with a send window
// or a time-of-day wait (the contacts' `timeZone` field spelled in many letter cases).
import { afterEach, describe, expect, it } from 'vitest';
import { snapshotOf } from '../../../shared/adapters/dynamo-campaign-contacts';
import { nextTimeOfDay, nextWindowOpening } from '../../../shared/campaigns/send-window';
import type { Contact } from '../../../shared/crm/model';

const contact = (zone: string): Contact => ({
  contactId: 'c1',
  workspaceId: 'ws1',
  email: 'ada@example.com',
  status: 'lead',
  tags: [],
  customFields: { timeZone: zone },
  score: 0,
  tier: 'cold',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});

/** The `n`th letter-case spelling of `zone` (bit i of n upper-cases its i-th letter). */
function spelling(zone: string, n: number): string {
  let letter = 0;
  return [...zone.toLowerCase()]
    .map((c) => {
      if (!/[a-z]/.test(c)) return c;
      letter += 1;
      return Math.floor(n / 2 ** (letter - 1)) % 2 === 1 ? c.toUpperCase() : c;
    })
    .join('');
}

const RealDateTimeFormat = Intl.DateTimeFormat;
afterEach(() => {
  Intl.DateTimeFormat = RealDateTimeFormat;
});

/** Counts the wall-clock formatters zoned-time.ts builds to keep (`hourCycle: 'h23'`), per time zone asked. */
function countKeptFormatters(): string[] {
  const built: string[] = [];
  Intl.DateTimeFormat = new Proxy(RealDateTimeFormat, {
    construct(target, args: ConstructorParameters<typeof Intl.DateTimeFormat>) {
      const options = args[1];
      if (options?.hourCycle === 'h23' && options.timeZone) built.push(options.timeZone);
      return new target(...args);
    },
  });
  return built;
}

describe('r26b: spellings of one time zone cost one cached formatter, not one each', () => {
  it('a send window and a time-of-day wait for 300 contacts spelling one zone 300 ways', () => {
    const built = countKeptFormatters();
    const now = new Date('2026-12-08T02:00:00Z');
    const zones = new Set<string>();
    for (let n = 1; n <= 300; n += 1) {
      const zone = snapshotOf(contact(spelling('America/Argentina/Buenos_Aires', n))).timeZone;
      expect(zone).toBeDefined();
      zones.add(zone as string);
      nextWindowOpening(now, { weekdays: [1, 2, 3, 4, 5], startHour: 9, endHour: 17 }, zone as string);
      nextTimeOfDay(now, { hour: 9, minute: 0 }, zone as string);
    }
    // One zone, however it is spelled: the clock keeps one formatter for it (the step may read it
    // under one name, or the cache be keyed by the name Intl resolves).
    expect(built.length, `formatters kept for ${zones.size} spellings of one zone`).toBe(1);
  });
});
