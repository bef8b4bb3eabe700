/**
 * Review round 22 (r22b, a suspicion of the reviewer's, confirmed): docs/CAMPAIGNS.md "Not built
 * yet" still said a step reads at most the contact's newest 500 interactions (`TIMELINE_LIMIT`),
 * a limit that was removed in review round 12 (dynamo-campaign-contacts.ts `timelineSince` reads
 * every page since the look-back; test/integration/campaign-timeline-window.test.ts). Every
 * constant, code or variable the campaign docs name in capitals (`TIME_SCALE`,
 * `CAMPAIGN_ARCHIVED`, `RESUME_RECHECK_SECONDS` ...) must still be in the code.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../../', import.meta.url).pathname;
const docs = readFileSync(join(root, 'docs/CAMPAIGNS.md'), 'utf8');

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [readFileSync(join(root, path), 'utf8')] : [];
  });
}

describe('r22b: the campaign docs name what the code has', () => {
  it('every name in capitals the docs give is in the code', () => {
    const code = ['shared', 'functions', 'lib'].flatMap(sources).join('\n');
    const named = [...new Set([...docs.matchAll(/`([A-Z][A-Z0-9_]{3,})`/g)].map((m) => m[1] as string))];
    expect(named.length).toBeGreaterThan(10);
    expect(named.filter((name) => !new RegExp(`\\b${name}\\b`).test(code))).toEqual([]);
  });
});
