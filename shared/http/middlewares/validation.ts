/**
 * The route's declared input (defineOperation's schemas for path, query and body), checked
 * after authentication and before any use case runs: 400 `VALIDATION_FAILED` with per-field
 * details. Hands the handler the use case bound to the parsed input.
 */
import type { DefinedOperation } from '../operation';
import { type EdgeMiddleware, found, stateOf } from './edge-state';

/** @param operations the function's operations by route id, complete (checked at cold start). */
export function validation(operations: ReadonlyMap<string, DefinedOperation>): EdgeMiddleware {
  return {
    name: 'validation',
    before: (request) => {
      const state = stateOf(request);
      const route = found(state.route, 'route');
      const operation = found(operations.get(route.id), `operation for ${route.id}`);
      state.invoke = operation.validate(found(state.request, 'request'));
    },
  };
}
