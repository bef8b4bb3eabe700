/**
 * Input sanitizers (reference: "Health and CSRF contracts" -> Sanitizers). Pure functions
 * over plain values, one concern per `sanitize-*.ts` file; import them from here.
 *
 * Validators return the canonical value or throw a `ValidationError` (400) with a stable
 * code and a message that never repeats the input: `INVALID_EMAIL`, `INVALID_URL`,
 * `INVALID_FILENAME`, `INVALID_PHONE`, `UNSUPPORTED_COUNTRY`, `INVALID_UUID`,
 * `INVALID_INTEGER`, `JSON_TOO_LARGE`, `JSON_TOO_DEEP`, `MALFORMED_JSON`,
 * `JSON_FORBIDDEN_KEY`, `MARKDOWN_TOO_LONG`. Cleaners (`encodeHtml`, `sanitizeMarkdown`,
 * `stripSqlPatterns`) return a safe string instead. A misused option (say `min > max`)
 * throws a `RangeError`, which is a bug and surfaces as a 500.
 */
export { type SanitizeFilenameOptions, sanitizeFilename } from './sanitize-filename';
export { type BoundedIntOptions, boundedInt, sanitizeEmail, sanitizeUuid } from './sanitize-identifiers';
export { type ParseJsonOptions, parseJsonLimited } from './sanitize-json';
export { DEFAULT_MARKDOWN_MAX_LENGTH, type SanitizeMarkdownOptions, sanitizeMarkdown } from './sanitize-markdown';
export { type NormalisePhoneOptions, normalisePhone, PHONE_COUNTRIES, type PhoneCountry } from './sanitize-phone';
export { DEFAULT_TEXT_MAX_LENGTH, type EncodeHtmlOptions, encodeHtml, stripSqlPatterns } from './sanitize-text';
export { DEFAULT_ALLOWED_PROTOCOLS, type SanitizeUrlOptions, sanitizeUrl } from './sanitize-url';
