/**
 * Every answer carries the security headers (CloudFront adds the same set in the cloud), on
 * success and on error alike; a header the answer sets itself wins.
 */
import { SECURITY_HEADERS } from '../security-headers';
import type { EdgeMiddleware, EdgeRequest } from './edge-state';

export function securityHeaders(): EdgeMiddleware {
  const add = (request: EdgeRequest): void => {
    const response = request.response;
    if (response) request.response = { ...response, headers: { ...SECURITY_HEADERS, ...response.headers } };
  };
  return { name: 'security-headers', after: add, onError: add };
}
