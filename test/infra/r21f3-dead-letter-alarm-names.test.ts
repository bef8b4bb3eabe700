/**
 * The dead-letter alarms carry the name docs/runbooks/dead-letter-queue.md tells the on-call to
 * look for (`UniteHub-<stage>-App-<queue>-dlq-depth`), one per declared queue, each watching that
 * queue's DLQ; the runbook lists every one of those queues. Adding a queue without its runbook
 * line, or renaming the alarms without the runbook, fails here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deadLetterAlarmName } from '../../lib/cdk/dead-letter-alarms';
import { physicalDlqName } from '../../lib/cdk/physical-names';
import { queues } from '../../lib/definition';
import { resourcesOfType, synthesize } from './synth';

const runbook = readFileSync(new URL('../../docs/runbooks/dead-letter-queue.md', import.meta.url), 'utf8');
const { appTemplate, dataTemplate, application } = synthesize('prod');

/** Logical id of the Data stack queue with this physical name. */
const queueLogicalId = (name: string) => {
  const found = resourcesOfType(dataTemplate, 'AWS::SQS::Queue').filter(([, q]) => q.Properties?.QueueName === name);
  expect(found, name).toHaveLength(1);
  return (found[0] as [string, unknown])[0];
};

describe('dead-letter alarms and their runbook', () => {
  const alarms = resourcesOfType(appTemplate, 'AWS::CloudWatch::Alarm');

  it.each(queues.map((q) => q.name))('%s: one alarm, named as the runbook says, on its DLQ', (queue) => {
    const name = deadLetterAlarmName(application.stackName, queue);
    expect(name).toBe(`UniteHub-prod-App-${queue}-dlq-depth`);
    const named = alarms.filter(([, a]) => a.Properties?.AlarmName === name);
    expect(named, name).toHaveLength(1);
    const properties = (named[0] as [string, { Properties: Record<string, unknown> }])[1].Properties;
    expect(properties.MetricName).toBe('ApproximateNumberOfMessagesVisible');
    // The DLQ is the Data stack's `unite-hub-prod-<queue>-dlq`, imported into the App stack.
    expect(JSON.stringify(properties.Dimensions)).toContain(queueLogicalId(physicalDlqName('prod', queue)));
  });

  it('the runbook names the alarm pattern, the DLQ pattern and every queue with a DLQ', () => {
    expect(runbook).toContain('`UniteHub-<stage>-App-<queue>-dlq-depth`');
    expect(runbook).toContain('`unite-hub-<stage>-<queue>-dlq`');
    const alarmParagraph = runbook.slice(runbook.indexOf('**Alarm:**'), runbook.indexOf('**Why it matters.**'));
    const missing = queues.map((q) => q.name).filter((q) => !new RegExp(`\\b${q}\\b`).test(alarmParagraph));
    expect(missing).toEqual([]);
  });
});
