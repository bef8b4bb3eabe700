/** Errors of the contacts use cases, with stable codes. */
import { ConflictError, NotFoundError } from '../../errors';

export class ContactNotFoundError extends NotFoundError {
  override name = 'ContactNotFoundError';
  constructor() {
    super('No such contact', 'CONTACT_NOT_FOUND');
  }
}

/** The email belongs to another contact of the workspace (perhaps a deleted one: restore it). */
export class ContactEmailTakenError extends ConflictError {
  override name = 'ContactEmailTakenError';
  override readonly details: { contactId?: string; deleted?: boolean; restore?: string };
  constructor(existing?: { contactId: string; deleted: boolean }) {
    super(
      existing?.deleted
        ? 'A deleted contact has this email; restore it instead of creating a new one'
        : 'Another contact has this email',
      'CONTACT_EMAIL_TAKEN',
    );
    this.details = existing
      ? {
          contactId: existing.contactId,
          deleted: existing.deleted,
          ...(existing.deleted ? { restore: `POST /api/contacts/${existing.contactId}/restore` } : {}),
        }
      : {};
  }
}
