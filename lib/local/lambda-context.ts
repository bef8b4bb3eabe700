/** A Lambda `Context` for locally hosted functions, with the declared timeout. */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import type { FunctionDeclaration } from '../definition';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './emulators/local-aws';

export { LOCAL_ACCOUNT, LOCAL_REGION };

export const localFunctionArn = (name: string): string =>
  `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:unite-hub-local-${name}:live`;

const noop = (): undefined => undefined;
const remainingUntil = (deadline: number): number => Math.max(0, deadline - Date.now());

/**
 * No function is written inside: one made per invocation (and, under tsx, named with a
 * defineProperty) cost more than the rest of the context. The bound timer still works when a
 * caller takes the method off the object (middy does).
 */
export function lambdaContext(fn: FunctionDeclaration, requestId: string = randomUUID()): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `unite-hub-local-${fn.name}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: localFunctionArn(fn.name),
    memoryLimitInMB: String(fn.memoryMb),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/unite-hub-local-${fn.name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: remainingUntil.bind(undefined, Date.now() + fn.timeoutSeconds * 1000),
    done: noop,
    fail: noop,
    succeed: noop,
  };
}
