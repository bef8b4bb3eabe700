/**
 * A local Step Functions endpoint speaking the service's JSON 1.0 protocol
 * (StartExecution, DescribeExecution, ListExecutions, ListStateMachines,
 * DescribeStateMachine), so functions start workflows with the real `@aws-sdk/client-sfn`
 * client and `aws stepfunctions list-state-machines --endpoint-url ...` finds the ARNs. Executions run the declared ASL file with
 * aws-local-stepfunctions; each Task state bound to a declared function invokes the
 * local handler; a Task state of the `states:startExecution` integration starts an execution on
 * this endpoint (a launch continuing as new, launch-chain.ts). Executions are recorded under
 * DATA_DIR: every RUNNING one, and the FINISHED_KEPT finished ones that ended last (in memory
 * too); one still running when the runtime stopped is started again from its input at the next
 * start (the campaign tasks are idempotent, so a replay enrols nobody twice).
 *
 * The record (`stepfunctions/executions.json`) is replaced atomically (written aside, then
 * renamed), so a kill mid-write leaves the previous version whole; the version before the last
 * write is kept as `executions.json.prev`. A record that cannot be read (damaged some other way)
 * is never taken as "no executions": it is moved aside and the previous version restored, loudly,
 * or, without a readable previous version, the start fails and says what to do.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { StateMachine } from 'aws-local-stepfunctions';
import type { StateMachineDeclaration } from '../definition';
import { selfStartingStates } from '../definition/state-machine-tasks';
import type { FunctionHost } from './function-host';
import { LOCAL_ACCOUNT, LOCAL_REGION, localFunctionArn } from './lambda-context';
import { writeStateFile } from './state-file';

/** The role a deployed state machine runs as; locally a name only (DescribeStateMachine requires one). */
const LOCAL_ROLE_ARN = `arn:aws:iam::${LOCAL_ACCOUNT}:role/unite-hub-local-state-machine`;

type Status = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';

export interface Execution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: Status;
  startDate: number;
  stopDate?: number;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
}

export const localStateMachineArn = (name: string): string =>
  `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:unite-hub-local-${name}`;

class ServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export interface LocalStepFunctions {
  endpoint: string;
  /** Resolves when every running execution has finished (for tests). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export async function startStepFunctions(opts: {
  root: string;
  dataDir: string;
  declarations: readonly StateMachineDeclaration[];
  functions: FunctionHost;
  log: (line: string) => void;
  /** 0 or absent: any free port. */
  port?: number;
}): Promise<LocalStepFunctions> {
  const machines = new Map(
    opts.declarations.map((d) => [
      localStateMachineArn(d.name),
      load(opts.root, d, opts.functions, (request) => startExecution(request)),
    ]),
  );
  const described = new Map(opts.declarations.map((d) => [localStateMachineArn(d.name), describe(opts.root, d)]));
  const file = path.join(opts.dataDir, 'stepfunctions', 'executions.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const executions = new Map<string, Execution>();
  for (const e of readExecutions(file, opts.log)) executions.set(e.executionArn, e);
  const running = new Set<Promise<void>>();
  // The record and the map hold the same executions: every RUNNING one, the finished ones that ended last.
  const save = () => {
    for (const e of finishedBeyond(executions.values(), FINISHED_KEPT)) executions.delete(e.executionArn);
    writeExecutions(file, [...executions.values()]);
  };

  const run = (execution: Execution) => {
    const machine = machines.get(execution.stateMachineArn);
    if (!machine) return;
    const task = machine
      .run(JSON.parse(execution.input), {
        overrides: { taskResourceLocalHandlers: machine.handlers },
        context: {
          Execution: { Id: execution.executionArn, Name: execution.name, Input: JSON.parse(execution.input) },
          StateMachine: {
            Id: execution.stateMachineArn,
            Name: execution.stateMachineArn.slice(execution.stateMachineArn.lastIndexOf(':') + 1),
          },
        },
      } as never)
      .result.then(
        (output) => Object.assign(execution, { status: 'SUCCEEDED', output: JSON.stringify(output) }),
        (error: Error & { cause?: unknown }) => {
          opts.log(`[sfn] ${execution.name} failed: ${error.message}`);
          Object.assign(execution, { status: 'FAILED', error: error.name, cause: error.message });
        },
      )
      .then(() => {
        execution.stopDate = Date.now() / 1000;
        save();
      });
    const tracked = task.finally(() => running.delete(tracked));
    running.add(tracked);
  };

  function startExecution(body: Record<string, unknown>): { executionArn: string; startDate: number } {
    const stateMachineArn = String(body.stateMachineArn ?? '');
    if (!machines.has(stateMachineArn))
      throw new ServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`);
    const name = String(body.name ?? randomUUID());
    const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    const input = String(body.input ?? '{}');
    if (Buffer.byteLength(input) > STATES_PAYLOAD_MAX_BYTES) {
      throw new ServiceError(
        'ValidationException',
        `1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to ${STATES_PAYLOAD_MAX_BYTES}`,
      );
    }
    const existing = executions.get(executionArn);
    if (existing) {
      if (existing.input === input && existing.status === 'RUNNING')
        return { executionArn, startDate: existing.startDate };
      throw new ServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const execution: Execution = {
      executionArn,
      stateMachineArn,
      name,
      status: 'RUNNING',
      startDate: Date.now() / 1000,
      input,
    };
    executions.set(executionArn, execution);
    save();
    run(execution);
    return { executionArn, startDate: execution.startDate };
  }

  const actions: Record<string, (body: Record<string, unknown>) => unknown> = {
    StartExecution: startExecution,
    DescribeExecution(body) {
      const execution = executions.get(String(body.executionArn));
      if (!execution)
        throw new ServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${String(body.executionArn)}'`);
      return execution;
    },
    ListExecutions(body) {
      const list = [...executions.values()]
        .filter((e) => e.stateMachineArn === body.stateMachineArn)
        .filter((e) => !body.statusFilter || e.status === body.statusFilter)
        .reverse()
        .map(({ executionArn, stateMachineArn, name, status, startDate, stopDate }) => ({
          executionArn,
          stateMachineArn,
          name,
          status,
          startDate,
          stopDate,
        }));
      return { executions: list.slice(0, Number(body.maxResults ?? 100) || 100) };
    },
    // A handful of declared machines: one page, no nextToken.
    ListStateMachines() {
      return {
        stateMachines: [...described.values()].map(({ stateMachineArn, name, type, creationDate }) => ({
          stateMachineArn,
          name,
          type,
          creationDate,
        })),
      };
    },
    DescribeStateMachine(body) {
      const found = described.get(String(body.stateMachineArn ?? ''));
      if (!found)
        throw new ServiceError(
          'StateMachineDoesNotExist',
          `State Machine Does Not Exist: '${String(body.stateMachineArn ?? '')}'`,
        );
      return found;
    },
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const action = String(req.headers['x-amz-target'] ?? '').replace('AWSStepFunctions.', '');
      let status = 200;
      let payload: unknown;
      try {
        const handler = actions[action];
        if (!handler) throw new ServiceError('UnknownOperationException', `${action} is not supported locally`);
        payload = handler(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'));
      } catch (error) {
        status = 400;
        payload =
          error instanceof ServiceError
            ? { __type: error.type, message: error.message }
            : { __type: 'InvalidExecutionInput', message: (error as Error).message };
      }
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': randomUUID() });
      res.end(JSON.stringify(payload));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  for (const execution of executions.values()) {
    if (execution.status === 'RUNNING') {
      opts.log(`[sfn] resuming ${execution.name} from its input (interrupted by the last stop)`);
      run(execution);
    }
  }

  return {
    endpoint: `http://127.0.0.1:${port}`,
    idle: async () => {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
    stop: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      save();
    },
  };
}

/** DescribeStateMachine's answer: the definition as deployed (placeholders replaced by function ARNs). */
function describe(root: string, decl: StateMachineDeclaration) {
  const file = path.join(root, decl.definitionFile);
  return {
    stateMachineArn: localStateMachineArn(decl.name),
    name: `unite-hub-local-${decl.name}`,
    status: 'ACTIVE',
    definition: substitute(fs.readFileSync(file, 'utf8'), decl),
    roleArn: LOCAL_ROLE_ARN,
    type: 'STANDARD',
    description: decl.description,
    // The definition file's time: stable across restarts, as a deployed machine's is.
    creationDate: Math.floor(fs.statSync(file).mtimeMs) / 1000,
  };
}

function substitute(text: string, decl: StateMachineDeclaration): string {
  let out = text;
  for (const [placeholder, fn] of Object.entries(decl.taskFunctions)) {
    out = out.replaceAll(`\${${placeholder}}`, localFunctionArn(fn));
  }
  return out;
}

type LoadedMachine = StateMachine & { handlers: Record<string, (input: unknown) => Promise<unknown>> };

/** The integration's parameters, as the state's `Parameters` resolve them. */
interface StartExecutionParameters {
  StateMachineArn?: unknown;
  Name?: unknown;
  Input?: unknown;
}

/**
 * A `states:startExecution` task run locally: StartExecution on this endpoint's own record, so the
 * execution it starts runs (and is recorded, and re-run after a stop) as any other. Its answer and
 * its errors are the integration's: `{ExecutionArn, StartDate}`, `StepFunctions.<Code>Exception`.
 */
function startExecutionTask(start: (body: Record<string, unknown>) => { executionArn: string; startDate: number }) {
  return async (parameters: unknown) => {
    const { StateMachineArn, Name, Input } = (parameters ?? {}) as StartExecutionParameters;
    try {
      const started = start({
        stateMachineArn: StateMachineArn,
        ...(Name === undefined ? {} : { name: Name }),
        input: typeof Input === 'string' ? Input : JSON.stringify(Input ?? {}),
      });
      return { ExecutionArn: started.executionArn, StartDate: new Date(started.startDate * 1000).toISOString() };
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      const failed = new Error(error.message);
      failed.name = `StepFunctions.${error.type}Exception`;
      throw failed;
    }
  };
}

/**
 * Reads the ASL file, substitutes each `${Placeholder}` by a function ARN and binds its Task states
 * locally: a declared function's to the function host, a `states:startExecution` one to `start`.
 * Any other Task resource is refused here: the interpreter would call AWS for it.
 */
/** Step Functions' limit on an execution's input and on what a state passes on (256 KiB, UTF-8). */
export const STATES_PAYLOAD_MAX_BYTES = 262_144;

/** Thrown as the service fails a task whose input or result is past the limit. */
class DataLimitExceededError extends Error {
  override name = 'States.DataLimitExceeded';
}

/**
 * A task that fails as in the cloud when its input or result is over 256 KiB: there the execution
 * fails with States.DataLimitExceeded (which no States.ALL catches; locally the definition's catch
 * sees it, named so). Task inputs and results are a launch's small state: measuring costs little.
 */
function withinDataLimit(
  stateName: string,
  task: (input: unknown) => Promise<unknown>,
): (input: unknown) => Promise<unknown> {
  const check = (what: string, value: unknown) => {
    const bytes = Buffer.byteLength(JSON.stringify(value ?? null) ?? 'null');
    if (bytes > STATES_PAYLOAD_MAX_BYTES) {
      const message = `state ${stateName}: its ${what} is ${bytes} bytes, over Step Functions' ${STATES_PAYLOAD_MAX_BYTES}-byte limit (the execution fails in the cloud)`;
      console.error(`[sfn] !!! States.DataLimitExceeded: ${message}`);
      throw new DataLimitExceededError(message);
    }
  };
  return async (input) => {
    check('input', input);
    const result = await task(input);
    check('result', result);
    return result;
  };
}

function load(
  root: string,
  decl: StateMachineDeclaration,
  functions: FunctionHost,
  start: (body: Record<string, unknown>) => { executionArn: string; startDate: number },
): LoadedMachine {
  const definition = JSON.parse(substitute(fs.readFileSync(path.join(root, decl.definitionFile), 'utf8'), decl));
  const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
  const selfStarting = selfStartingStates(decl.definitionFile, definition);
  for (const [stateName, state] of Object.entries(
    definition.States as Record<string, { Type: string; Resource?: string }>,
  )) {
    if (state.Type !== 'Task') continue;
    const bound = Object.values(decl.taskFunctions).find((fn) => state.Resource === localFunctionArn(fn));
    if (bound) handlers[stateName] = withinDataLimit(stateName, (input) => functions.invoke(bound, input));
    else if (selfStarting.includes(stateName)) handlers[stateName] = startExecutionTask(start);
    else
      throw new Error(
        `${decl.definitionFile}: state ${stateName} uses ${String(state.Resource)}, which the local runtime does not run`,
      );
  }
  const machine = new StateMachine(definition, {
    validationOptions: { checkArn: true, checkPaths: true },
  }) as LoadedMachine;
  machine.handlers = handlers;
  return machine;
}

/**
 * Finished executions the record keeps: the `FINISHED_KEPT` that ended last. A RUNNING one is always
 * kept, however long ago it started: the next start runs it again from its input. A finished one
 * dropped reads as `ExecutionDoesNotExist`, as one closed past the service's 90 days does.
 */
export const FINISHED_KEPT = 1000;

/** The finished executions beyond the `keep` that ended last (by `stopDate`; the record's order breaks ties). */
export function finishedBeyond(executions: Iterable<Execution>, keep: number): Execution[] {
  const finished = [...executions].filter((e) => e.status !== 'RUNNING');
  if (finished.length <= keep) return [];
  // A stable sort: executions that ended at the same time stay in the record's (start) order.
  const byEnd = finished.sort((a, b) => (a.stopDate ?? a.startDate) - (b.stopDate ?? b.startDate));
  return byEnd.slice(0, finished.length - keep);
}

/** The record's previous version, and where a damaged record is moved. */
export const previousOf = (file: string) => `${file}.prev`;

/** Replaces the record atomically; the version it replaces stays as `.prev` (a hard link: no copy). */
export function writeExecutions(file: string, executions: readonly Execution[]): void {
  const previous = previousOf(file);
  try {
    fs.rmSync(previous, { force: true });
    fs.linkSync(file, previous);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // No record yet (first write), or a file system without hard links: a copy then.
    if (code !== 'ENOENT') fs.copyFileSync(file, previous);
  }
  writeStateFile(file, JSON.stringify(executions));
}

/** The executions in `file`; [] only when there is none. */
function parseExecutions(file: string): Execution[] | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed: unknown = JSON.parse(text);
  if (
    !Array.isArray(parsed) ||
    parsed.some((e) => typeof e?.executionArn !== 'string' || typeof e?.status !== 'string')
  )
    throw new Error('not a list of executions');
  return parsed as Execution[];
}

/**
 * Reads the record. Missing: no executions yet. Unreadable (torn, damaged): moved aside to
 * `<file>.damaged-<time>` and the previous version taken, with a log line; without a readable
 * previous version, an error: starting with none would silently forget the RUNNING executions.
 */
export function readExecutions(file: string, log: (line: string) => void): Execution[] {
  let damage: Error;
  try {
    return parseExecutions(file) ?? [];
  } catch (error) {
    damage = error as Error;
  }
  const previous = previousOf(file);
  let recovered: Execution[] | undefined;
  try {
    recovered = parseExecutions(previous);
  } catch {
    recovered = undefined;
  }
  if (!recovered) {
    throw new Error(
      `[sfn] ${file} cannot be read (${damage.message}) and there is no readable previous version (${previous}): ` +
        'the executions it records (RUNNING ones are resumed at start) are unknown. Repair the file, or move it ' +
        'aside to start with no executions.',
    );
  }
  const aside = `${file}.damaged-${Date.now()}`;
  fs.renameSync(file, aside);
  writeStateFile(file, JSON.stringify(recovered));
  log(
    `[sfn] ${file} could not be read (${damage.message}): moved to ${aside}, restored the previous version ` +
      `(${recovered.length} execution(s); an execution started or ended by the last write may be missing)`,
  );
  return recovered;
}
