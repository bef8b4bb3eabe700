/** Routes of contacts and lead scoring. All workspace-scoped: the edge checks membership and permission. */
import { route } from './route';
import type { FunctionName, HttpMethod, RouteDeclaration } from './types';

/** Every CRM route is workspace-scoped: the permission comes right after the path. */
const crm = (
  fn: FunctionName,
  id: string,
  method: HttpMethod,
  path: string,
  permission: string,
  summary: string,
  extra: { maxBodyBytes?: number } = {},
) => route(fn, id, method, path, summary, { permission, ...extra });

/** CSV imports may be larger than JSON bodies: 10,000 rows of ~150 bytes, with headroom. */
export const IMPORT_MAX_BYTES = 5 * 1024 * 1024;

export const crmRoutes: readonly RouteDeclaration[] = [
  crm(
    'contacts',
    'contacts.create',
    'POST',
    '/api/contacts',
    'contacts:write',
    'Create a contact (409 on a duplicate email)',
  ),
  crm(
    'contacts',
    'contacts.list',
    'GET',
    '/api/contacts/list',
    'contacts:read',
    'List contacts: filters and cursor pagination',
  ),
  crm('contacts', 'contacts.export', 'GET', '/api/contacts/export', 'contacts:read', 'CSV export of a filtered list'),
  crm('contacts', 'contacts.import', 'POST', '/api/contacts/import', 'contacts:write', 'CSV import; upserts by email', {
    maxBodyBytes: IMPORT_MAX_BYTES,
  }),
  crm('contacts', 'contacts.get', 'GET', '/api/contacts/{id}', 'contacts:read', 'One contact'),
  crm('contacts', 'contacts.update', 'PATCH', '/api/contacts/{id}', 'contacts:write', 'Change a contact'),
  crm('contacts', 'contacts.delete', 'DELETE', '/api/contacts/{id}', 'contacts:delete', 'Soft-delete a contact'),
  crm(
    'contacts',
    'contacts.restore',
    'POST',
    '/api/contacts/{id}/restore',
    'contacts:write',
    'Restore a deleted contact',
  ),
  crm(
    'contacts',
    'interactions.create',
    'POST',
    '/api/contacts/{id}/interactions',
    'contacts:write',
    'Record an interaction; scores it',
  ),
  crm(
    'contacts',
    'contacts.timeline',
    'GET',
    '/api/contacts/{id}/timeline',
    'contacts:read',
    'Interactions, newest first',
  ),
  crm('scoring', 'scores.get', 'GET', '/api/contacts/{id}/score', 'scoring:read', 'Score, tier, groups and the ledger'),
  crm(
    'scoring',
    'scores.hot-leads',
    'GET',
    '/api/contacts/hot-leads',
    'scoring:read',
    'Contacts in the hot tier, best first',
  ),
  crm('scoring', 'scoring-rules.get', 'GET', '/api/scoring/rules', 'scoring:read', 'The workspace’s scoring rules'),
  crm(
    'scoring',
    'scoring-rules.put',
    'PUT',
    '/api/scoring/rules',
    'scoring:manage',
    'Replace the rules; recomputes in the background',
  ),
];
