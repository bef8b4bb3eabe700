/** Errors of the contacts use cases, with stable codes. */
import { ConflictError, NotFoundError, ValidationError } from '../../errors';

export class ContactNotFoundError extends NotFoundError {
  override name = 'ContactNotFoundError';
  constructor(options?: ErrorOptions) {
    super('No such contact', 'CONTACT_NOT_FOUND', options);
  }
}

/**
 * The email belongs to another contact of the workspace (perhaps a deleted one: restore it).
 * The HTTP edge adds how to restore it; the domain names only the contact.
 */
export class ContactEmailTakenError extends ConflictError {
  override name = 'ContactEmailTakenError';
  override readonly details: { contactId?: string; deleted?: boolean };
  constructor(existing?: { contactId: string; deleted: boolean }, options?: ErrorOptions) {
    super(
      existing?.deleted
        ? 'A deleted contact has this email; restore it instead of creating a new one'
        : 'Another contact has this email',
      'CONTACT_EMAIL_TAKEN',
      options,
    );
    this.details = existing ? { contactId: existing.contactId, deleted: existing.deleted } : {};
  }
}

/**
 * The contact kept changing under a write (another write won each of its bounded attempts):
 * nothing of this write was stored; read the contact again and retry.
 */
export class ContactChangedError extends ConflictError {
  override name = 'ContactChangedError';
  constructor(options?: ErrorOptions) {
    super('The contact changed meanwhile; read it again and retry', 'CONTACT_CHANGED', options);
  }
}

/**
 * An update conditional on the contact's email (ContactUpdateOptions.ifEmail) found the contact at
 * another address: nothing was written; whoever has that email now is to be looked up again.
 */
export class ContactEmailMovedError extends ConflictError {
  override name = 'ContactEmailMovedError';
  constructor(options?: ErrorOptions) {
    super('The contact no longer has this email', 'CONTACT_EMAIL_MOVED', options);
  }
}

/** `ownerUserId` names someone who is not a member of the workspace (400 `UNKNOWN_OWNER`). */
export class UnknownOwnerError extends ValidationError {
  override name = 'UnknownOwnerError';
  constructor(ownerUserId: string, options?: ErrorOptions) {
    super(`ownerUserId "${ownerUserId}" is not a member of this workspace`, 'UNKNOWN_OWNER', {
      ...options,
      details: [{ field: 'ownerUserId', message: 'Not a member of this workspace' }],
    });
  }
}
