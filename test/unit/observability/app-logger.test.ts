import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppLogger } from '../../../shared/observability/app-logger';
import { RedactingLogFormatter, STANDARD_LOG_KEYS } from '../../../shared/observability/log-formatter';

const contextOf = (functionName: string, awsRequestId = 'aws-req-1') =>
  ({
    functionName,
    awsRequestId,
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    functionVersion: '$LATEST',
  }) as Context;

/** A fresh logger as shared/observability/logger.ts builds it, printing into an array. */
function newLogger() {
  const logger = new AppLogger({
    serviceName: 'unite-hub',
    logLevel: 'INFO',
    persistentKeys: { stage: 'test', version: '1.2.3' },
    logFormatter: new RedactingLogFormatter(),
  });
  const lines: Record<string, unknown>[] = [];
  const record = (chunk: unknown) => {
    for (const l of String(chunk).split('\n')) if (l.trim() !== '') lines.push(JSON.parse(l));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(record);
  vi.spyOn(process.stderr, 'write').mockImplementation(record);
  return { logger, lines };
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('AppLogger: a log call’s fields never overwrite the logger’s keys', () => {
  it('renames a field named like a persistent key: the line keeps its stage and version', () => {
    const { logger, lines } = newLogger();

    logger.info('Contacts import progress', { stage: 'validate', version: 7, done: 10 });

    expect(lines[0]).toMatchObject({
      stage: 'test',
      version: '1.2.3',
      call_stage: 'validate',
      call_version: 7,
      done: 10,
    });
  });

  it('renames fields named like the standard keys and the request’s appended keys', () => {
    const { logger, lines } = newLogger();
    logger.addContext(contextOf('unite-hub-contacts'));
    logger.setCorrelationId('api-req-7');
    logger.appendKeys({ routeId: 'contacts.import', workspaceId: 'ws-1' });
    const own = Object.fromEntries(STANDARD_LOG_KEYS.map((k) => [k, `mine-${k}`]));

    logger.warn({ message: 'hello', routeId: 'other', message2: 'x' }, { ...own, workspaceId: 'ws-2' });

    const [line] = lines;
    expect(line).toMatchObject({
      level: 'WARN',
      message: 'hello',
      service: 'unite-hub',
      function_name: 'unite-hub-contacts',
      function_request_id: 'aws-req-1',
      correlation_id: 'api-req-7',
      routeId: 'contacts.import',
      workspaceId: 'ws-1',
      call_routeId: 'other',
      call_workspaceId: 'ws-2',
      call_cold_start: 'mine-cold_start',
      call_level: 'mine-level',
      message2: 'x',
    });
    for (const key of STANDARD_LOG_KEYS) expect(line?.[`call_${key}`], key).toBe(`mine-${key}`);
  });

  it('leaves a field alone when it repeats the logger’s own value, and forgets keys once reset', () => {
    const { logger, lines } = newLogger();
    logger.appendKeys({ workspaceId: 'ws-1' });

    logger.info('same', { workspaceId: 'ws-1' });
    logger.resetKeys();
    logger.info('after reset', { workspaceId: 'ws-2' });

    expect(lines[0]).toMatchObject({ workspaceId: 'ws-1' });
    expect(lines[0]).not.toHaveProperty('call_workspaceId');
    expect(lines[1]).toMatchObject({ workspaceId: 'ws-2' });
    expect(lines[1]).not.toHaveProperty('call_workspaceId');
  });

  it('protects every key the formatter writes', () => {
    const item = new RedactingLogFormatter().formatAttributes(
      {
        logLevel: 'INFO',
        message: 'm',
        timestamp: new Date(),
        serviceName: 's',
        sampleRateValue: 0,
        xRayTraceId: 'x',
        lambdaContext: { ...contextOf('fn'), coldStart: true, tenantId: 't' },
      } as unknown as Parameters<RedactingLogFormatter['formatAttributes']>[0],
      {},
    );
    expect(STANDARD_LOG_KEYS).toEqual(expect.arrayContaining(Object.keys(item.getAttributes())));
  });

  it('still redacts renamed fields', () => {
    const { logger, lines } = newLogger();

    logger.info('x', { stage: 'ann@example.com' });

    expect(lines[0]).toMatchObject({ stage: 'test', call_stage: '[email]' });
  });
});

describe('AppLogger: cold_start per function', () => {
  it('is true on the first invocation of each function sharing the logger, false after', () => {
    const { logger, lines } = newLogger();
    const invoke = (fn: string) => {
      logger.addContext(contextOf(fn));
      logger.info(fn);
    };

    invoke('unite-hub-local-contacts');
    invoke('unite-hub-local-contacts');
    invoke('unite-hub-local-identity');
    invoke('unite-hub-local-contacts');
    invoke('unite-hub-local-identity');

    expect(lines.map((l) => [l.function_name, l.cold_start])).toEqual([
      ['unite-hub-local-contacts', true],
      ['unite-hub-local-contacts', false],
      ['unite-hub-local-identity', true],
      ['unite-hub-local-contacts', false],
      ['unite-hub-local-identity', false],
    ]);
  });

  it('follows Lambda’s initialisation type: on-demand is cold once, provisioned concurrency never', () => {
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
    const onDemand = newLogger();
    onDemand.logger.addContext(contextOf('fn'));
    onDemand.logger.info('first');
    onDemand.logger.addContext(contextOf('fn'));
    onDemand.logger.info('second');
    expect(onDemand.lines.map((l) => l.cold_start)).toEqual([true, false]);

    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'provisioned-concurrency');
    const provisioned = newLogger();
    provisioned.logger.addContext(contextOf('fn'));
    provisioned.logger.info('first');
    expect(provisioned.lines.map((l) => l.cold_start)).toEqual([false]);
  });
});
