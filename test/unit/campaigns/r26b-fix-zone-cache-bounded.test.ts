// Review round 26 (r26b-fix): the zoned clock's formatter cache is keyed by the zone Intl resolves
// (an alias and every letter case of a zone share one formatter) and bounded (the most recently
// used zones); a contact's free-text `timeZone` field is read as the resolved name; the scoring
// rules cache of a process-long store is bounded too.
import { afterEach, describe, expect, it } from 'vitest';
import { snapshotOf } from '../../../shared/adapters/dynamo-campaign-contacts';
import { dynamoScoreStore, RULES_CACHED_WORKSPACES } from '../../../shared/adapters/dynamo-score-store';
import type { Contact } from '../../../shared/crm/model';
import { canonicalTimeZone, ianaTimeZone, zonedParts } from '../../../shared/zoned-time';

const RealDateTimeFormat = Intl.DateTimeFormat;
afterEach(() => {
  Intl.DateTimeFormat = RealDateTimeFormat;
});

/** The zones of the wall-clock formatters zoned-time.ts builds to keep (`hourCycle: 'h23'`), in order. */
function keptFormatters(): string[] {
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

const contact = (zone: unknown): Contact => ({
  contactId: 'c1',
  workspaceId: 'ws1',
  email: 'ada@example.com',
  status: 'lead',
  tags: [],
  customFields: { timeZone: zone as string },
  score: 0,
  tier: 'cold',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});

const AT = new Date('2026-12-08T02:00:00Z');

describe('r26b-fix: one formatter per zone, however it is named', () => {
  it('an alias, its zone and their spellings share one formatter, and read the same clock', () => {
    const built = keptFormatters();
    const names = ['Asia/Kolkata', 'asia/KOLKATA', 'Asia/Calcutta', 'ASIA/calcutta'];
    const readings = names.map((zone) => zonedParts(AT, zone));
    expect(new Set(readings.map((p) => JSON.stringify(p))).size).toBe(1);
    expect(built).toHaveLength(1);
  });

  it('keeps at most the most recently used zones: a zone read long ago is built again', () => {
    const zones = Intl.supportedValuesOf('timeZone');
    expect(zones.length).toBeGreaterThan(300);
    const built = keptFormatters();
    for (const zone of zones) zonedParts(AT, zone);
    const first = built.length;
    // The first zone was evicted by the hundreds read after it: its formatter is built again.
    zonedParts(AT, zones[0] as string);
    expect(built.length).toBe(first + 1);
    // The last one is still kept.
    zonedParts(AT, zones[zones.length - 1] as string);
    expect(built.length).toBe(first + 1);
  });

  it('an unknown zone still throws, as Intl does, and caches nothing', () => {
    const built = keptFormatters();
    expect(() => zonedParts(AT, 'Mars/Base')).toThrow(RangeError);
    expect(built).toEqual(['Mars/Base']);
  });
});

describe("r26b-fix: a contact's zone field is read as the zone Intl resolves", () => {
  it.each([
    ['europe/BERLIN', 'Europe/Berlin'],
    ['america/argentina/BUENOS_aires', canonicalTimeZone('America/Argentina/Buenos_Aires')],
    ['us/pacific', canonicalTimeZone('America/Los_Angeles')],
    ['utc', 'UTC'],
  ])('%s -> %s', (field, zone) => {
    expect(snapshotOf(contact(field)).timeZone).toBe(zone);
  });

  it.each(['+05:00', 'Mars/Base', '', 'x'.repeat(65), 42])('ignores %s (no IANA zone)', (field) => {
    expect(snapshotOf(contact(field)).timeZone).toBeUndefined();
  });

  it('the stored schema still keeps an alias as written (only the read folds it)', () => {
    expect(ianaTimeZone('Asia/Kolkata')).toBe('Asia/Kolkata');
    expect(canonicalTimeZone('+05:00')).toBeUndefined();
  });
});

describe('r26b-fix: the scoring rules cache of a store is bounded', () => {
  it(`keeps the rules of the ${RULES_CACHED_WORKSPACES} workspaces read last; an older one is read afresh`, async () => {
    const reads: string[] = [];
    const db = {
      send: async (command: { input: { Key: { pk: string } } }) => {
        reads.push(command.input.Key.pk);
        return {};
      },
    };
    const store = dynamoScoreStore(db as never, 'core', { clock: () => 0 });
    for (let i = 0; i <= RULES_CACHED_WORKSPACES; i += 1) await store.readRules(`ws-${i}`);
    expect(reads).toHaveLength(RULES_CACHED_WORKSPACES + 1);
    await store.readRules(`ws-${RULES_CACHED_WORKSPACES}`);
    expect(reads).toHaveLength(RULES_CACHED_WORKSPACES + 1);
    await store.readRules('ws-0');
    expect(reads).toHaveLength(RULES_CACHED_WORKSPACES + 2);
  });
});
