/**
 * Finding (review round 25, h): the `ses-events` rule (lib/definition/event-rules.ts, made by
 * lib/cdk/event-rules.ts on the account's default bus) matches `source: ["aws.ses"]` and nothing
 * else. It says "SES configuration-set events of our sends", but every stage has its own
 * configuration set (`<stage>-unite-hub`, lib/cdk/email-sending.ts) on the same default bus, and
 * the stacks are named so that dev and prod can share an account (lib/cdk/stage.ts). So each stage's
 * email-events queue gets every SES event of the account: prod's bounces and complaints go to dev's
 * email-events function, which writes suppressions, soft-bounce logs, reputation counters and send
 * records (holding the recipient's address) for prod's workspace ids into dev's table.
 * parseProviderEvent checks only that the workspace and send tags are there, never the configuration
 * set. Production recipients' addresses end up in a dev table, and dev's work doubles. In the cloud
 * only: the local SES stand-in publishes for one configuration set.
 *
 * Severity: MEDIUM (production personal data copied into another stage; wrong writes in that
 * stage). Fails at 679faf6.
 * How a user reaches it: any send in prod while dev is deployed in the same account. Every
 * delivery, bounce or complaint is handled by both stages.
 */
import { describe, expect, it } from 'vitest';
import { physicalRuleName } from '../../lib/cdk/event-rules';
import { SERVICE_NAME } from '../../lib/definition';
import { matchesPattern } from '../../lib/definition/event-rules';
import { resourcesOfType, synthesize } from './synth';

const dev = synthesize('dev');

/** An SES event as EventBridge delivers it for a send through `configurationSet` (AWS's documented shape). */
const sesBounce = (configurationSet: string): Record<string, unknown> => ({
  version: '0',
  id: '2c6c4a3e-7d8f-4f0c-9e5a-1b2c3d4e5f60',
  'detail-type': 'Email Bounced',
  source: 'aws.ses',
  account: '123456789012',
  time: '2025-01-01T00:00:00Z',
  region: 'eu-west-1',
  resources: [`arn:aws:ses:eu-west-1:123456789012:configuration-set/${configurationSet}`],
  detail: {
    eventType: 'Bounce',
    bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: 'person@example.com' }] },
    mail: {
      messageId: '0100018c-aaaa',
      destination: ['person@example.com'],
      tags: {
        'ses:configuration-set': [configurationSet],
        workspace: ['ws-1'],
        send: ['send-1'],
      },
    },
  },
});

describe('the ses-events rule of a stage', () => {
  const rules = resourcesOfType(dev.dataTemplate, 'AWS::Events::Rule').filter(
    ([, rule]) => rule.Properties?.Name === physicalRuleName('dev', 'ses-events'),
  );
  const pattern = rules[0]?.[1].Properties?.EventPattern as Record<string, unknown>;

  it('takes the events of its own configuration set', () => {
    expect(rules).toHaveLength(1);
    expect(matchesPattern(pattern, sesBounce(`dev-${SERVICE_NAME}`))).toBe(true);
  });

  it('does not take the events of another stage’s configuration set on the same default bus', () => {
    // prod's configuration set, as lib/cdk/email-sending.ts names it.
    expect(matchesPattern(pattern, sesBounce(`prod-${SERVICE_NAME}`))).toBe(false);
  });
});
