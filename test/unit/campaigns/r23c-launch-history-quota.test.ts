// Review round 23: this test failed at dfdd2c4.
/**
 * Review round 23 (c): a launch by filter is one Standard execution of the campaign-launch state
 * machine looping one Task + one Choice per page of 100 contacts (lib/definition/campaign-launch.asl.json).
 * A Standard execution's history holds at most 25,000 events (a hard Step Functions quota: the
 * execution fails when it is reached), and each page writes 7 (TaskStateEntered,
 * LambdaFunctionScheduled, LambdaFunctionStarted, LambdaFunctionSucceeded, TaskStateExited,
 * ChoiceStateEntered, ChoiceStateExited). So a launch past ~3,570 pages (~357,000 contacts) dies
 * in the cloud, with no failure record (the Catch cannot write to a full history either), and
 * `GET .../launches/{id}` later marks it failed and not resumable; a new enrol reads the same
 * audience and dies at the same page. docs/ARCHITECTURE.md prices and simulates a million-contact
 * launch as this very loop ("10,000 pages", "1 launch execution ... 1.9 h").
 *
 * The machine is run as the local runtime runs it (aws-local-stepfunctions, the deployed ASL file),
 * its task the real page use case over in-memory records, with a one-million-contact audience
 * started as the enrol route starts it (`launchPayload`). The service's history events are counted
 * from the interpreter's state events (entered, exited) plus the three Lambda events of each task
 * invocation, per execution.
 */
import { readFileSync } from 'node:fs';
import { StateMachine } from 'aws-local-stepfunctions';
import { describe, expect, it } from 'vitest';
import { fromRoot } from '../../../lib/cdk/repo-paths';
import { runLaunchTask } from '../../../shared/campaigns/enrol-audience-page';
import type { LaunchPageRecord, LaunchProgress, LaunchRecords } from '../../../shared/campaigns/ports';
import { launchPayload } from '../../../shared/campaigns/resume-launch';

/** Step Functions quota: "Maximum execution history size: 25,000 events" (Standard workflows). */
const HISTORY_QUOTA = 25_000;
/** docs/ARCHITECTURE.md: the cost table's and the fan-out model's launch. */
const AUDIENCE = 1_000_000;
const ARN = 'arn:aws:lambda:us-east-1:123456789012:function:audience';
const MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:campaign-launch';

function memoryLaunches(): { launches: LaunchRecords; record: () => LaunchProgress | undefined } {
  let record: LaunchProgress | undefined;
  const decided = new Map<string, LaunchPageRecord>();
  const launches: LaunchRecords = {
    begin: async (_ws, campaignId, launchId, at) => {
      record ??= { launchId, campaignId, status: 'running', queued: 0, suppressed: 0, startedAt: at };
    },
    page: async (_ws, launchId, pageKey) => decided.get(`${launchId}#${pageKey}`),
    recordPage: async (_ws, launchId, pageKey, decision) => {
      const key = `${launchId}#${pageKey}`;
      if (!decided.has(key)) decided.set(key, { ...decision, counted: false });
      return decided.get(key) as LaunchPageRecord;
    },
    addPage: async (_ws, launchId, pageKey, counts, done, at) => {
      const key = `${launchId}#${pageKey}`;
      const page = decided.get(key);
      if (page) decided.set(key, { ...page, contactIds: [], counted: true });
      if (!record) throw new Error('no record');
      record = {
        ...record,
        queued: record.queued + counts.queued,
        updatedAt: at,
        ...(done ? { status: 'done', finishedAt: at } : {}),
      };
    },
    fail: async (_ws, _c, _l, error, at) => {
      if (record && record.status !== 'done') record = { ...record, status: 'failed', failedAt: at, error };
    },
    resume: async () => undefined,
    failAttempt: async () => undefined,
    finish: async () => undefined,
    get: async () => record,
  };
  return { launches, record: () => record };
}

describe('a launch by filter of a large audience (review round 23)', () => {
  it('enrols a one-million-contact audience within the Step Functions history quota of each execution', async () => {
    // Prepare: an audience of AUDIENCE contacts, paged as the store pages it (cursor = offset).
    const memory = memoryLaunches();
    let queued = 0;
    const deps = {
      launches: memory.launches,
      audience: {
        page: async (_ws: string, _f: unknown, size: number, cursor?: string) => {
          const from = cursor ? Number(cursor) : 0;
          const to = Math.min(AUDIENCE, from + size);
          const contactIds = Array.from({ length: to - from }, (_, i) => `c${from + i}`);
          return to < AUDIENCE ? { contactIds, cursor: String(to) } : { contactIds };
        },
      },
      queue: {
        sendAll: async (m: readonly unknown[]) => {
          queued += m.length;
        },
      },
      suppressions: { reasonsFor: async () => [] },
      contacts: { get: async (_ws: string, id: string) => ({ email: `${id}@example.com` }) },
      now: () => new Date('2026-12-06T10:00:00.000Z'),
    };
    const definition = JSON.parse(
      readFileSync(fromRoot('lib/definition/campaign-launch.asl.json'), 'utf8').replaceAll(
        `\${EnrolAudiencePageFunction}`,
        ARN,
      ),
    );
    const machine = new StateMachine(definition, { validationOptions: { checkArn: true, checkPaths: true } });
    let invocations = 0;
    const task = async (input: unknown) => {
      invocations += 1;
      return runLaunchTask(input, deps);
    };
    // Harness (after the fix): a launch is a chain of executions of this machine. Its ContinueAsNew
    // state starts the next one (states:startExecution on `$$.StateMachine.Id`), as Step Functions
    // would: a name started before is refused; each execution's history is counted on its own.
    const pending: Array<{ name: string; input: unknown }> = [];
    const names = new Set<string>();
    let starts = 0;
    const startExecution = async (parameters: unknown) => {
      const { StateMachineArn, Name, Input } = parameters as { StateMachineArn: string; Name: string; Input: unknown };
      expect(StateMachineArn).toBe(MACHINE_ARN);
      starts += 1;
      if (names.has(Name))
        throw Object.assign(new Error(`Execution Already Exists: '${Name}'`), {
          name: 'StepFunctions.ExecutionAlreadyExistsException',
        });
      names.add(Name);
      pending.push({ name: Name, input: Input });
      return { ExecutionArn: `${MACHINE_ARN}:${Name}`, StartDate: new Date().toISOString() };
    };
    // Act: the execution the enrol route starts (sfn-launch-starter: launchPayload of the request).
    const input = launchPayload({ workspaceId: 'ws1', campaignId: 'cmp1', launchId: 'launch-1', filter: {} });
    pending.push({ name: 'launch-1', input });
    names.add('launch-1');
    let history = 0;
    let executions = 0;
    let pagesOfLargest = 0;
    for (let next = pending.shift(); next; next = pending.shift()) {
      executions += 1;
      invocations = 0;
      starts = 0;
      const execution = machine.run(
        next.input as never,
        {
          overrides: {
            taskResourceLocalHandlers: {
              EnrolAudiencePage: task,
              RecordFailure: task,
              ContinueAsNew: startExecution,
            },
            retryIntervalOverrides: { EnrolAudiencePage: 0, RecordFailure: 0, ContinueAsNew: 0 },
          },
          context: { StateMachine: { Id: MACHINE_ARN, Name: 'campaign-launch' }, Execution: { Name: next.name } },
        } as never,
      );
      let stateEvents = 0;
      const counting = (async () => {
        for await (const event of execution.eventLogs) {
          if (
            event.type === 'StateEntered' ||
            event.type === 'StateExited' ||
            event.type === 'ExecutionStarted' ||
            event.type === 'ExecutionSucceeded' ||
            event.type === 'ExecutionFailed'
          )
            stateEvents += 1;
        }
      })();
      await execution.result;
      await counting;
      // Three events per Lambda invocation, four per start of the next execution (TaskScheduled,
      // TaskStarted, TaskSubmitted, TaskSucceeded).
      const events = stateEvents + 3 * invocations + 4 * starts;
      if (events > history) {
        history = events;
        pagesOfLargest = invocations;
      }
    }
    invocations = pagesOfLargest;
    // The chain went on past the first execution (a million contacts is 10 of them at 1,000 pages).
    expect(executions).toBeGreaterThan(1);
    // Assess: the launch ran to its end in the interpreter (which has no history quota) ...
    expect(memory.record()).toMatchObject({ status: 'done', queued: AUDIENCE });
    expect(queued).toBe(AUDIENCE);
    // ... and the service writes each state's events and three per Lambda invocation into the
    // history of the execution that ran them, which the service caps: past the cap it fails in the cloud.
    expect(
      history,
      `one execution of ${invocations} pages writes ~${history} history events; a Standard execution fails at ${HISTORY_QUOTA}`,
    ).toBeLessThanOrEqual(HISTORY_QUOTA);
  }, 120_000);
});
