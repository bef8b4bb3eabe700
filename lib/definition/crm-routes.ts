/** Routes of contacts and lead scoring. All workspace-scoped: the edge checks membership and permission. */
import { route } from './route';

/**
 * A CSV import's body limit: 1 MB (1,000,000 bytes). Not more: API Gateway hands the file to the
 * function inside the event JSON, where a byte may take up to 6 (a control character; `"`, CR and
 * LF take 2), and Lambda refuses an event over 6 MiB with an error of API Gateway's, never our 413
 * (shared/http/lambda-event-size.ts: a body is safe up to 1,015,808 bytes). Larger files are split.
 */
export const IMPORT_MAX_BYTES = 1_000_000;

export const crmRoutes = [
  route('contacts', 'contacts.create', 'POST', '/api/contacts', 'Create a contact (409 on a duplicate email)', {
    permission: 'contacts:write',
  }),
  route('contacts', 'contacts.list', 'GET', '/api/contacts/list', 'List contacts: filters and cursor pagination', {
    permission: 'contacts:read',
  }),
  route('contacts', 'contacts.export', 'GET', '/api/contacts/export', 'CSV export of a filtered list', {
    permission: 'contacts:read',
  }),
  route(
    'contacts',
    'contacts.import',
    'POST',
    '/api/contacts/import',
    'CSV import (at most 1 MB, 1,000,000 bytes, and 10,000 rows); upserts by email',
    {
      permission: 'contacts:write',
      maxBodyBytes: IMPORT_MAX_BYTES,
      bodyTypes: ['text/csv', 'text/plain'],
    },
  ),
  route('contacts', 'contacts.get', 'GET', '/api/contacts/{id}', 'One contact', { permission: 'contacts:read' }),
  route('contacts', 'contacts.update', 'PATCH', '/api/contacts/{id}', 'Change a contact', {
    permission: 'contacts:write',
  }),
  route('contacts', 'contacts.delete', 'DELETE', '/api/contacts/{id}', 'Soft-delete a contact', {
    permission: 'contacts:delete',
  }),
  route('contacts', 'contacts.restore', 'POST', '/api/contacts/{id}/restore', 'Restore a deleted contact', {
    permission: 'contacts:write',
  }),
  route(
    'contacts',
    'interactions.create',
    'POST',
    '/api/contacts/{id}/interactions',
    'Record an interaction; scores it',
    { permission: 'contacts:write' },
  ),
  route('contacts', 'contacts.timeline', 'GET', '/api/contacts/{id}/timeline', 'Interactions, newest first', {
    permission: 'contacts:read',
  }),
  route(
    'contacts',
    'contacts.consent',
    'GET',
    '/api/contacts/{id}/consent',
    'Consent given and withdrawn, oldest first: cursor pagination',
    {
      permission: 'contacts:read',
    },
  ),
  route('scoring', 'scores.get', 'GET', '/api/contacts/{id}/score', 'Score, tier, groups and the ledger', {
    permission: 'scoring:read',
  }),
  route('scoring', 'scores.hot-leads', 'GET', '/api/contacts/hot-leads', 'Contacts in the hot tier, best first', {
    permission: 'scoring:read',
  }),
  route('scoring', 'scoring-rules.get', 'GET', '/api/scoring/rules', 'The workspace’s scoring rules', {
    permission: 'scoring:read',
  }),
  route(
    'scoring',
    'scoring-rules.put',
    'PUT',
    '/api/scoring/rules',
    'Replace the rules; recomputes in the background',
    { permission: 'scoring:manage' },
  ),
] as const;
