/**
 * The error of the unsubscribe store's port (unsubscribe.ts `UnsubscribeSuppressions.optOut`), in
 * a module of its own with no imports: the adapter (dynamo-suppressions.ts) throws it without
 * loading the use case, whose logger reads the configuration when it is imported.
 */

/**
 * The store refused an opt-out's write as invalid, not for a lost race (DynamoDB's
 * `ValidationException`, e.g. an item past its 400 KB limit). `honourUnsubscribe` then honours
 * more widely, with a write that fits, instead of failing the public POST.
 */
export class OptOutRefusedError extends Error {
  override name = 'OptOutRefusedError';
}
