/**
 * Defect: the deployed HTTP API's access log records `$context.path`, the raw request path, for
 * every request. The campaign webhook trigger `POST /api/hooks/campaigns/{id}/{token}` carries its
 * only credential in that path ("The token in the path is the credential (only its hash is
 * stored)", lib/definition/campaign-routes.ts; docs/CAMPAIGNS.md), and `/u/{token}` carries the
 * one-click unsubscribe token: both land in plain text in the `ApiAccessLogs` log group, readable
 * by anyone with CloudWatch Logs read access (a far wider audience than the table that stores only
 * the hash), and kept for the stage's whole log retention. docs/IDENTITY.md keeps every other
 * mailed token in the URL fragment "so it stays out of access logs".
 *
 * Severity: MEDIUM (a live bearer credential that enrols contacts into a campaign, stored hashed
 * by design, written in plain to a log group).
 *
 * Root cause: lib/cdk/http-api.ts ACCESS_LOG_FORMAT (`path: '$context.path'`). API Gateway's access
 * log format cannot rewrite a value, so a path holding a token cannot be logged safely.
 *
 * Correct behaviour: the access log names the route (`$context.routeKey`, already logged, e.g.
 * `POST /api/hooks/campaigns/{id}/{token}`) and the request id, never the raw path.
 */
import { describe, expect, it } from 'vitest';
import { synthesize } from '../../infra/synth';

describe('r19f: the cloud access log and path credentials', () => {
  it('does not log the raw request path (which holds the webhook and unsubscribe tokens)', () => {
    const { appTemplate } = synthesize('prod');
    const stages = Object.values(appTemplate.findResources('AWS::ApiGatewayV2::Stage')) as {
      Properties: { AccessLogSettings?: { Format?: string } };
    }[];
    expect(stages.length).toBeGreaterThan(0);
    for (const stage of stages) {
      const format = stage.Properties.AccessLogSettings?.Format ?? '';
      expect(format).toContain('$context.routeKey');
      expect(format, 'the access-log format logs the raw path').not.toMatch(/\$context\.(path|http\.path)\b/);
    }
  }, 120_000);
});
