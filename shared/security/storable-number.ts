/**
 * Which numbers the store keeps exactly. DynamoDB numbers carry 38 significant digits
 * between 1e-130 and 9.99e125; the SDK's marshaller refuses integers beyond
 * `Number.MAX_SAFE_INTEGER` (they have already lost digits in a JS number). A JSON number
 * outside that set is refused at the edge with a 400 naming its field, never sent to the
 * store, where it would fail the request with a 500.
 */

/** The smallest magnitude DynamoDB stores (smaller non-zero numbers underflow). */
export const MIN_STORABLE_MAGNITUDE = 1e-130;

/**
 * True for a number the store keeps exactly: a safe integer (including `-0`), or a finite
 * fraction whose magnitude is at least {@link MIN_STORABLE_MAGNITUDE}. (Every double of
 * magnitude 2^53 or more is an integer, so fractions never exceed the upper bound.)
 */
export function isStorableNumber(n: number): boolean {
  if (Number.isInteger(n)) return Number.isSafeInteger(n);
  return Number.isFinite(n) && Math.abs(n) >= MIN_STORABLE_MAGNITUDE;
}

export const STORABLE_NUMBER_MESSAGE =
  'Numbers must be whole numbers within ±9007199254740991 or fractions of magnitude at least 1e-130; send other values as strings';

/**
 * The path (`a.b.0.c`) of the first number in `value` the store cannot keep, if any.
 * Iterative, so a deep or wide document costs one pass and no call stack.
 */
export function findUnstorableNumber(value: unknown): string | undefined {
  return findInJson(value, (node) => typeof node === 'number' && !isStorableNumber(node));
}

/** A UTF-16 surrogate with no partner (`\ud83d` alone in JSON): it has no UTF-8 form, so no store or provider takes it. */
const LONE_SURROGATE = /\p{Cs}/u;

export const WELL_FORMED_TEXT_MESSAGE =
  'Text must be valid Unicode: a lone surrogate (an unpaired \\uD800-\\uDFFF escape) has no UTF-8 form and cannot be stored';

/**
 * The path of the first string or object key in `value` that holds a lone surrogate, if any: JSON
 * may carry one (`"\ud83d"`), and DynamoDB, which takes UTF-8, refuses it (a 500 after whatever was
 * written before). Refused at the edge with a 400 naming it, as an unstorable number is.
 */
export function findIllFormedText(value: unknown): string | undefined {
  return findInJson(
    value,
    (node, key) => (typeof node === 'string' && LONE_SURROGATE.test(node)) || LONE_SURROGATE.test(key),
  );
}

/**
 * The first value of `value` no store keeps (a number {@link findUnstorableNumber} refuses, a
 * string or key {@link findIllFormedText} refuses), with its path and why: both in one walk.
 */
export function findUnstorableValue(value: unknown): { readonly path: string; readonly message: string } | undefined {
  let message = STORABLE_NUMBER_MESSAGE;
  const path = findInJson(value, (node, key) => {
    if ((typeof node === 'string' && LONE_SURROGATE.test(node)) || LONE_SURROGATE.test(key)) {
      message = WELL_FORMED_TEXT_MESSAGE;
      return true;
    }
    return typeof node === 'number' && !isStorableNumber(node);
  });
  return path === undefined ? undefined : { path, message };
}

/** The path of the first value (or the value under the first key) of a JSON document `test` picks; one iterative pass. */
function findInJson(value: unknown, test: (node: unknown, key: string) => boolean): string | undefined {
  const stack: Array<[unknown, string, string]> = [[value, '', '']];
  while (stack.length > 0) {
    const [node, path, key] = stack.pop() as [unknown, string, string];
    if (test(node, key)) return path;
    if (node === null || typeof node !== 'object') continue;
    const prefix = path === '' ? '' : `${path}.`;
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push([node[i], `${prefix}${i}`, '']);
      continue;
    }
    for (const [name, child] of Object.entries(node)) stack.push([child, `${prefix}${name}`, name]);
  }
  return undefined;
}
