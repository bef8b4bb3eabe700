/**
 * The number a contact's field holds, for the comparisons that take one (a profile rule's
 * `gte`/`lte`, a campaign condition's `greater-than`/`less-than`): a finite number, or text that
 * spells one in decimal (`"50"`, `" 2.5 "`, `"-1e3"`). Anything else holds no number and compares
 * with nothing: a boolean (`Number(true)` is 1), blank text (`Number(" ")` is 0), a list
 * (`Number(["5"])` is 5), hex or binary text (`"0x10"`), `"Infinity"`, `"n/a"`.
 */

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export function fieldNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (!DECIMAL.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}
