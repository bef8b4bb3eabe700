/**
 * Filename sanitizer for names that reach storage keys, `Content-Disposition` headers or a
 * user's file system: path traversal is refused outright, cosmetic problems are repaired.
 */
import { Buffer } from 'node:buffer';
import { ValidationError } from '../errors';

const CONTROL = /\p{Cc}/u;
// Bidirectional overrides turn `invoice\u202Efdp.exe` into what reads as `invoiceexe.pdf`.
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
// Separators, and the look-alikes NFKC leaves alone (division, fraction, big solidi).
const SEPARATOR = /[/\\\u2044\u2215\u29f5\u29f8\u29f9]/;
// Percent-encoded dots, separators, NUL, `%25` (double encoding) and overlong UTF-8 leads.
const ENCODED_TRAVERSAL = /%(?:2e|2f|5c|00|25|c0|c1)/i;
const WINDOWS_FORBIDDEN = /[<>:"|?*]/g;
const WINDOWS_RESERVED = /^(?:con|prn|aux|nul|com\d|lpt\d)$/i;
const MAX_PRESERVED_EXTENSION_BYTES = 16;

export interface SanitizeFilenameOptions {
  /** Longest result in UTF-8 bytes. Default 255 (ext4, NTFS and S3-friendly); at least 32. */
  maxBytes?: number;
}

/**
 * Returns a filename safe to store and to offer for download, or throws.
 *
 * Refused (a name carrying these is an attack or garbage, not a name worth repairing):
 * `/` and `\` (and Unicode look-alikes), NUL and other control characters, bidirectional
 * overrides, percent-encoded dots/separators (`..%2f`, `%252e`), and names made only of dots.
 *
 * Repaired: the name is NFKC-normalised (so full-width `／` or `．` cannot hide), Windows-
 * forbidden `< > : " | ? *` become `_`, runs of dots collapse to one (so `..` never
 * survives), leading dots (hidden files) and leading/trailing whitespace and trailing dots
 * are removed, Windows device names (`CON`, `nul.txt`, `COM1`) get a `_` prefix, and the
 * result is cut to `maxBytes` UTF-8 bytes keeping a short extension.
 *
 * @throws ValidationError `INVALID_FILENAME`, with `{reason}` details
 */
export function sanitizeFilename(s: string, { maxBytes = 255 }: SanitizeFilenameOptions = {}): string {
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 32) throw new RangeError('maxBytes must be at least 32');
  const name = s.normalize('NFKC');
  if (CONTROL.test(name) || BIDI.test(name)) throw invalidFilename('control');
  if (SEPARATOR.test(name)) throw invalidFilename('separator');
  if (ENCODED_TRAVERSAL.test(name)) throw invalidFilename('encoded');
  if (/^\s*\.+\s*$/.test(name)) throw invalidFilename('dots');
  let out = stripEnds(name.replace(WINDOWS_FORBIDDEN, '_').replace(/\.{2,}/g, '.'));
  if (out === '') throw invalidFilename('empty');
  const stem = out.split('.')[0] ?? '';
  if (WINDOWS_RESERVED.test(stem.trimEnd())) out = `_${out}`;
  // With maxBytes >= 32 a cut stem keeps 15+ bytes, so it can never become a device name.
  return truncateBytes(out, maxBytes);
}

const stripEnds = (s: string) => s.replace(/^[\s.]+/, '').replace(/[\s.]+$/, '');

function truncateBytes(name: string, maxBytes: number): string {
  if (Buffer.byteLength(name) <= maxBytes) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? name.slice(dot) : '';
  const extBytes = Buffer.byteLength(extension);
  if (extension === '' || extBytes > MAX_PRESERVED_EXTENSION_BYTES) return stripEnds(cut(name, maxBytes));
  return `${stripEnds(cut(name.slice(0, dot), maxBytes - extBytes))}${extension}`;
}

/** The longest prefix of whole code points that fits in `maxBytes`. */
function cut(s: string, maxBytes: number): string {
  let used = 0;
  let end = 0;
  for (const ch of s) {
    const bytes = Buffer.byteLength(ch);
    if (used + bytes > maxBytes) break;
    used += bytes;
    end += ch.length;
  }
  return s.slice(0, end);
}

const invalidFilename = (reason: string) =>
  new ValidationError('The file name is not allowed', 'INVALID_FILENAME', { details: { reason } });
