/**
 * What takes `campaigns:launch`: everything that starts, stops or changes what running enrolments
 * do, or enrols contacts, by whichever route it is reached (a review found `DELETE` archiving and a
 * webhook token enrolling with `campaigns:write` alone).
 */
import { describe, expect, it } from 'vitest';
import { campaignRoutes } from '../../../lib/definition/campaign-routes';

const permissionOf = (id: string) => campaignRoutes.find((r) => r.id === id)?.permission;

describe('campaign route permissions', () => {
  it.each([
    'campaigns.publish',
    'campaigns.pause',
    'campaigns.resume',
    'campaigns.archive',
    'campaigns.delete',
    'campaigns.enrol',
    'campaigns.exit',
    'campaigns.promote',
    'campaigns.unpromote',
    'campaigns.webhook-token',
  ])('%s takes campaigns:launch', (id) => {
    expect(permissionOf(id)).toBe('campaigns:launch');
  });

  it('editing the draft takes campaigns:write, reading campaigns:read', () => {
    expect(permissionOf('campaigns.update')).toBe('campaigns:write');
    expect(permissionOf('campaigns.stats')).toBe('campaigns:read');
  });
});
