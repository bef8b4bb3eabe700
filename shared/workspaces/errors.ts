/** Errors of the workspace use cases that the common hierarchy has no class for. */
import { AppError } from '../errors';

/** 410: the invite existed but was withdrawn; its link will never work again. */
export class InviteRevokedError extends AppError {
  override name = 'InviteRevokedError';
  readonly status = 410;
  readonly label = 'Gone';
  readonly code = 'INVITE_REVOKED';
  constructor(options?: ErrorOptions) {
    super('This invite was withdrawn; ask for a new one', options);
  }
}
