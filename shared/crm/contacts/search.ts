/** How the `q` filter matches: a folded text of name, email and company, stored on the item. */
import { caseless, fold } from '../fold-text';
import type { Contact } from '../model';
import type { ContactFilter } from './ports';
import { holdsTag } from './tag-field';

/** The stored `search` attribute of a contact: its name, email and company, folded (fold-text.ts). */
export const searchText = (c: Pick<Contact, 'firstName' | 'lastName' | 'email' | 'company'>): string =>
  fold([c.firstName, c.lastName, c.email, c.company].filter((part): part is string => Boolean(part)).join(' '));

/** A small sigma after a letter (marks between) and before none: where `toLowerCase` wrote `ς`. */
const WORD_FINAL_SIGMA = /(?<=\p{L}\p{M}*)σ(?!\p{M}*\p{L})/gu;

/**
 * The texts a stored `search` may hold `q` as, any one of which matches (none: no text filter). The
 * one normalisation of `q`, in the stores behind `ContactStore.list`, so no caller can skip it:
 * - `q` folded as {@link searchText} folds the name (NFC, lower case, every sigma `σ`);
 * - for a `search` written before it was folded (names were NFC already; only lower-cased, with `ς`
 *   where a word ended in a sigma, and not rewritten until the name, email or company changes): `q`
 *   folded with `ς` where it ends a word of `q` itself (what lower-casing the name wrote there), and
 *   `q` only lower-cased, as it was compared then, so nothing found before is missed now.
 */
export function searchQueries(q: string | undefined): readonly string[] {
  const text = q?.trim();
  if (!text) return [];
  const folded = fold(text);
  return [...new Set([folded, folded.replace(WORD_FINAL_SIGMA, 'ς'), caseless(text)])];
}

/** The filter as a predicate over a live contact (in-memory stores use it). */
export function matchesFilter(c: Contact, f: ContactFilter): boolean {
  if (c.deletedAt) return false;
  if (f.status && c.status !== f.status) return false;
  if (f.tag && !holdsTag(c.tags, f.tag)) return false;
  if (f.tier && c.tier !== f.tier) return false;
  if (f.minScore !== undefined && c.score < f.minScore) return false;
  if (f.maxScore !== undefined && c.score > f.maxScore) return false;
  const queries = searchQueries(f.q);
  if (queries.length > 0) {
    const text = searchText(c);
    if (!queries.some((q) => text.includes(q))) return false;
  }
  return true;
}
