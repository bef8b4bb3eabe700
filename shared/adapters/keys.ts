/**
 * Key layout of the `core` table (single-table design; see docs/ARCHITECTURE.md).
 * Every business record lives under its workspace's partition, so a query can never
 * cross workspaces: the workspace id is part of every key a use case builds.
 */
import { isStorableNumber } from '../security/storable-number';

export const workspacePk = (workspaceId: string): string => `WS#${workspaceId}`;
export const contactSk = (contactId: string): string => `CONTACT#${contactId}`;
export const CONTACT_PREFIX = 'CONTACT#';
export const campaignSk = (campaignId: string): string => `CAMPAIGN#${campaignId}`;
export const enrolmentSk = (campaignId: string, contactId: string): string => `ENROLMENT#${campaignId}#${contactId}`;
/** gsi1 partition holding campaigns with a pending scheduled launch, sorted by due time. */
export const DUE_CAMPAIGNS_PK = 'DUE#campaign';
export const dueCampaignSk = (dueAt: string, workspaceId: string, campaignId: string): string =>
  `${dueAt}#${workspaceId}#${campaignId}`;

/** Opaque pagination cursors: the last evaluated key, base64url JSON. */
export const encodeCursor = (key: Record<string, unknown> | undefined): string | undefined =>
  key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;

export function decodeCursor(cursor: string | undefined): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    // A key attribute DynamoDB cannot hold (sort keys end at 1,024 bytes) would fail the read with a 500.
    if (value && typeof value === 'object' && !Array.isArray(value) && Object.values(value).every(fitsKey)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // fall through: an unreadable cursor is the caller's error
  }
  throw new InvalidCursorError();
}

const MAX_KEY_BYTES = 1024;
const fitsKey = (v: unknown): boolean =>
  (typeof v === 'string' && v.length > 0 && Buffer.byteLength(v) <= MAX_KEY_BYTES) ||
  (typeof v === 'number' && isStorableNumber(v));

export class InvalidCursorError extends Error {
  override name = 'InvalidCursorError';
  constructor() {
    super('The pagination cursor is not valid');
  }
}
