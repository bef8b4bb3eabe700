/** Errors of the workspace use cases that the common hierarchy has no class for. */
import { AppError, ConflictError } from '../errors';

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

/** 409: the workspace keeps as many custom roles as it may; a new one needs one deleted first. */
export class RoleLimitError extends ConflictError {
  override name = 'RoleLimitError';
  constructor(max: number, options?: ErrorOptions) {
    super(`A workspace may have at most ${max} custom roles; delete one first`, 'ROLE_LIMIT', options);
  }
}

/** 409: the organization keeps as many workspaces as it may. */
export class WorkspaceLimitError extends ConflictError {
  override name = 'WorkspaceLimitError';
  constructor(max: number, options?: ErrorOptions) {
    super(`An organization may have at most ${max} workspaces`, 'WORKSPACE_LIMIT', options);
  }
}
