/** Plain request and result shapes the use cases see: no API Gateway types past the edge. */
import type { RouteDeclaration } from '../../lib/definition';
import type { AuthContext } from '../identity/auth-context';

export interface HttpRequest {
  readonly route: RouteDeclaration;
  readonly method: string;
  readonly path: string;
  readonly pathParams: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  /** Lower-cased names; repeated headers joined with a comma, as API Gateway does. */
  readonly headers: Readonly<Record<string, string>>;
  readonly cookies: Readonly<Record<string, string>>;
  /** Parsed JSON body, `undefined` when there is none. */
  readonly body: unknown;
  readonly rawBody: string | undefined;
  readonly requestId: string;
  /** The caller's address: the viewer's behind the verified edge, else the socket's. */
  readonly clientAddress: string;
  readonly userAgent: string;
  /** The host name the caller used, for Origin checks only: never for links (PUBLIC_BASE_URL). */
  readonly host: string;
  /** Set by the edge on `auth: 'user'` routes; `workspace` too on workspace routes (a permission, or `anyMember`). */
  readonly auth?: AuthContext;
}

export interface HttpResult {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Objects are sent as JSON; strings as they are. */
  readonly body?: unknown;
  /** The string body is base64 of binary content (an image): API Gateway and the local host decode it. */
  readonly isBase64Encoded?: boolean;
  /** Full `Set-Cookie` values. */
  readonly cookies?: readonly string[];
  /** What the edge's audit entry should name (state-changing workspace routes); never sent. */
  readonly audit?: {
    readonly resourceType?: string;
    readonly resourceId?: string;
    readonly metadata?: Readonly<Record<string, unknown>>;
    /** The entry was written in the change's own transaction (see `auditWithChange`): the edge writes none. */
    readonly inWrite?: boolean;
  };
}

export type Operation = (request: HttpRequest) => Promise<HttpResult> | HttpResult;
