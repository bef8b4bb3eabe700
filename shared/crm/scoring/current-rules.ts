/**
 * Reading a workspace's rules through the store's per-instance cache (60 s in the DynamoDB
 * adapter) without ever using a version older than one already known.
 *
 * This process remembers the newest rules version it has seen per workspace: saved here
 * (`putScoringRules`), read afresh, or found on a score state (a recompute, or another instance,
 * wrote it under those rules). A cached read older than that is read again, afresh. So the
 * instance that saved the rules uses them at once, and no instance applies older rules to a
 * contact whose score was already computed under newer ones. What is left to the cache's lifetime:
 * another instance may score a contact not yet recomputed (or with no score yet) under the rules it
 * cached, for up to 60 s after a save; the recompute job replays the contacts it has not reached yet.
 */
import type { ScoreStore } from './ports';
import type { VersionedRules } from './rules';

/** The newest rules version seen per workspace (one number per workspace this instance served). */
const newest = new Map<string, number>();

/** Records that `version` of `workspaceId`'s rules exists (saved, read, or found on a state). */
export function noteRulesVersion(workspaceId: string, version: number): void {
  if (version > (newest.get(workspaceId) ?? 0)) newest.set(workspaceId, version);
}

/**
 * The workspace's rules, from the store's cache unless it holds a version older than `atLeast` or
 * than the newest this instance has seen; then afresh.
 */
export async function readCurrentRules(store: ScoreStore, workspaceId: string, atLeast = 0): Promise<VersionedRules> {
  const wanted = Math.max(atLeast, newest.get(workspaceId) ?? 0);
  let current = await store.readRules(workspaceId);
  if (current.version < wanted) current = await store.readRules(workspaceId, { fresh: true });
  noteRulesVersion(workspaceId, current.version);
  return current;
}
