/**
 * JSON parsing with the limits a public endpoint needs: size, nesting depth and
 * prototype-pollution keys, each refused with its own stable code.
 */
import { Buffer } from 'node:buffer';
import { ValidationError } from '../errors';

/** Keys that turn a naive deep merge or `Object.assign` chain into prototype pollution. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

export interface ParseJsonOptions {
  /** Largest accepted document in UTF-8 bytes. Default 1 MiB (the HTTP edge passes its own cap). */
  maxBytes?: number;
  /** Deepest accepted nesting of objects and arrays (`{}` is 1, `{"a":[]}` is 2). Default 32. */
  maxDepth?: number;
}

/**
 * Parses untrusted JSON text. The size is checked before anything else and the depth by a
 * single iterative scan of the text before `JSON.parse` runs, so neither a huge nor a
 * deeply nested document costs more than one linear pass; the parsed value is then walked
 * iteratively (never recursively) for forbidden keys, which also catches keys spelled with
 * escapes such as `"\u005f_proto__"`.
 *
 * @returns the parsed value, still `unknown`: parse it with a zod schema next
 * @throws ValidationError `JSON_TOO_LARGE`, `JSON_TOO_DEEP`, `MALFORMED_JSON` or
 * `JSON_FORBIDDEN_KEY` (details name the key, which is one of three constants)
 */
export function parseJsonLimited(
  text: string,
  { maxBytes = 1_048_576, maxDepth = 32 }: ParseJsonOptions = {},
): unknown {
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1 || !Number.isSafeInteger(maxDepth) || maxDepth < 0) {
    throw new RangeError('maxBytes and maxDepth must be positive whole numbers');
  }
  // A UTF-16 code unit never encodes to fewer than one byte, so the length is a cheap lower bound.
  if (text.length > maxBytes || Buffer.byteLength(text, 'utf8') > maxBytes) {
    throw new ValidationError(`The JSON document exceeds ${maxBytes} bytes`, 'JSON_TOO_LARGE', {
      details: { maxBytes },
    });
  }
  assertDepth(text, maxDepth);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // The SyntaxError quotes the input, so it is neither shown nor attached.
    throw new ValidationError('The document is not valid JSON', 'MALFORMED_JSON');
  }
  assertNoForbiddenKeys(value);
  return value;
}

/** Counts brackets outside strings; malformed text is left for `JSON.parse` to refuse. */
function assertDepth(text: string, maxDepth: number): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > maxDepth) {
        throw new ValidationError(`The JSON document nests deeper than ${maxDepth} levels`, 'JSON_TOO_DEEP', {
          details: { maxDepth },
        });
      }
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
}

function assertNoForbiddenKeys(root: unknown): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      // A loop, not `push(...node)`: spreading a 500 000-element array overflows the call stack.
      for (const item of node) stack.push(item);
      continue;
    }
    for (const [key, child] of Object.entries(node)) {
      if (FORBIDDEN_KEYS.has(key)) {
        throw new ValidationError('The JSON document contains a forbidden key', 'JSON_FORBIDDEN_KEY', {
          details: { key },
        });
      }
      stack.push(child);
    }
  }
}
