/**
 * Headers every response carries. CloudFront adds the same set in the cloud (see
 * lib/cdk); the functions add them too so the local runtime, and any request that
 * reaches the API directly, has them.
 *
 * No `X-XSS-Protection`: the reference does not ask for it, browsers have removed the XSS
 * auditor it switched on (and `1; mode=block` could be abused to blank pages or leak data
 * through it), and the CSP above is what stops script injection. OWASP and MDN advise omitting
 * it; CloudFront removes it from every answer (lib/cdk/edge-distribution.ts).
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'self'",
  'strict-transport-security': 'max-age=63072000; includeSubDomains; preload',
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'origin-when-cross-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
};
