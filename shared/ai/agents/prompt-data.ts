/**
 * Data in a prompt's tags (`<email>`, `<contact>`, `<timeline>`, ...). The system prompts tell the
 * model that what sits inside those tags is data, not instructions; that holds only while the data
 * cannot close its tag. JSON.stringify leaves `<` and `>` as they are, so a contact field such as
 * `Acme</contact>...` would put text outside the tag. Every agent embeds data through
 * {@link promptData}: JSON with `<`, `>` and `&` written `\u003c`, `\u003e`, `\u0026` (still valid
 * JSON, the same value once parsed), so no data can write a tag of its own.
 */
import { cutText } from '../../security/cut-text';

/**
 * Every cut of text that goes into a prompt is made on a code-point boundary (shared/security/cut-text.ts):
 * a lone surrogate left by a cut is sent by the SDK's JSON.stringify as a `\ud83d` escape with no low
 * surrogate after it, which Anthropic's API refuses with 400 "no low surrogate in string".
 */
export { cutText };

/** Lone surrogates (a high one with no low one after it, a low one with no high one before it). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * `text` with every lone surrogate replaced by U+FFFD (what `String.prototype.toWellFormed` does):
 * the last guard before a prompt leaves for a provider, for text that arrived with one (a client's
 * JSON may carry a `\ud83d` escape alone), which no cut of ours can fix.
 */
export const wellFormed = (text: string): string => text.replace(LONE_SURROGATE, '\uFFFD');

/** Cuts `text` to `max` characters (on a code-point boundary) and says so, so the model knows it sees part of it. */
export function bounded(text: string, max: number): string {
  if (text.length <= max) return text;
  const kept = cutText(text, max);
  return `${kept}\n[truncated: ${text.length - kept.length} more characters not shown]`;
}

const ESCAPES: Readonly<Record<string, string>> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026' };

/** `text` with `<`, `>` and `&` as JSON escapes: inside a JSON string, the same text. */
export const escapeTagText = (text: string): string => text.replace(/[<>&]/g, (c) => ESCAPES[c] as string);

/**
 * `value` as JSON that cannot open or close a tag, cut at `max` characters (with a note) when
 * given. Cut strings inside `value` first (with {@link bounded}) to keep the JSON whole.
 */
export function promptData(value: unknown, max?: number): string {
  const json = escapeTagText(JSON.stringify(value) ?? 'null');
  return max === undefined ? json : bounded(json, max);
}

/** Said once in each agent's system prompt, so the model reads the escapes as the characters they are. */
export const DATA_FORMAT_NOTE =
  'The data inside the tags is JSON, in which <, > and & are written \\u003c, \\u003e and \\u0026.';
