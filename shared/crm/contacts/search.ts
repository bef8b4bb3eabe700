/** How the `q` filter matches: a lower-cased text of name, email and company, stored on the item. */
import type { Contact } from '../model';
import type { ContactFilter } from './ports';

/** The stored `search` attribute of a contact. */
export const searchText = (c: Pick<Contact, 'firstName' | 'lastName' | 'email' | 'company'>): string =>
  [c.firstName, c.lastName, c.email, c.company]
    .filter((part): part is string => Boolean(part))
    .join(' ')
    .toLowerCase();

/**
 * The `q` a store compares with {@link searchText}: trimmed and lower-cased; undefined when
 * nothing is left (no text filter). The one normalisation of `q`, in the stores behind
 * `ContactStore.list`, so no caller can skip it.
 */
export const searchQuery = (q: string | undefined): string | undefined => q?.trim().toLowerCase() || undefined;

/** The filter as a predicate over a live contact (in-memory stores use it). */
export function matchesFilter(c: Contact, f: ContactFilter): boolean {
  if (c.deletedAt) return false;
  if (f.status && c.status !== f.status) return false;
  if (f.tag && !c.tags.includes(f.tag)) return false;
  if (f.tier && c.tier !== f.tier) return false;
  if (f.minScore !== undefined && c.score < f.minScore) return false;
  if (f.maxScore !== undefined && c.score > f.maxScore) return false;
  const q = searchQuery(f.q);
  if (q && !searchText(c).includes(q)) return false;
  return true;
}
