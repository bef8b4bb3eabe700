/**
 * The one way text a person wrote (a name, a label, an address, a message quoting them) is cut to a
 * length: on a code-point boundary, never between the two halves of a surrogate pair (an emoji, most
 * CJK extensions). `String.slice` counts UTF-16 code units; a cut after a pair's high surrogate leaves
 * a lone one, which is not well-formed Unicode: the single-line schema refuses it (a name read back
 * and saved again is 400), a mail header cannot encode it, DynamoDB stores U+FFFD in its place, and
 * Anthropic's API refuses a prompt holding one.
 */

const isHigh = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLow = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/**
 * `text` cut to at most `max` UTF-16 code units (the unit every length limit here counts), on a
 * code-point boundary: a pair the cut would split is dropped whole, so the result may be one unit
 * shorter than `max`. Text within `max` is returned as it is.
 */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = Math.max(0, max);
  const splitsPair = end > 0 && isHigh(text.charCodeAt(end - 1)) && isLow(text.charCodeAt(end));
  return text.slice(0, splitsPair ? end - 1 : end);
}

/**
 * `text` within `max` code units, ending with `…` when it was cut (the ellipsis counts towards
 * `max`); cut on a code-point boundary as {@link cutText} does.
 */
export const cutTextWithEllipsis = (text: string, max: number): string =>
  text.length <= max ? text : max < 1 ? '' : `${cutText(text, max - 1)}…`;
