/**
 * "Unverified accounts hand out nothing" (docs/IDENTITY.md) is declared on the route, checked by
 * the authentication edge on the profile it reads with the credential. Review round 12 found a
 * webhook token minted by an unverified account: the rule had lived in two use cases only.
 */
import { describe, expect, it } from 'vitest';
import { routes } from '../../../lib/definition';

describe('routes that hand out access', () => {
  it('are declared so: API keys, invitations, campaign webhook tokens', () => {
    expect(
      routes
        .filter((r) => r.handsOutAccess)
        .map((r) => r.id)
        .sort(),
    ).toEqual(['api-keys.create', 'campaigns.webhook-token', 'invites.create']);
  });

  it('each needs a signed-in caller (the check reads the profile read with the credential)', () => {
    for (const r of routes.filter((x) => x.handsOutAccess)) expect(r.auth).toBe('user');
  });
});

describe('routes that send mail', () => {
  it('are declared so: a one-off, a broadcast, and every call that sets a campaign’s mail going', () => {
    expect(
      routes
        .filter((r) => r.sendsMail)
        .map((r) => r.id)
        .sort(),
    ).toEqual([
      'campaigns.enrol',
      'campaigns.launch-resume',
      'campaigns.publish',
      'campaigns.resume',
      'campaigns.retry',
      'email-templates.send',
      'emails.send',
    ]);
  });

  it('each needs a signed-in caller (the check reads the profile read with the credential)', () => {
    for (const r of routes.filter((x) => x.sendsMail)) expect(r.auth).toBe('user');
  });
});
