/**
 * Text as the CRM compares it, whatever the Unicode form and case it was typed in. A module of its
 * own: tags (tag-field.ts, which journeys bundle) and the contact search both use it.
 */

/**
 * NFC-normalised and lower-cased: `é` composed or not (`e` + U+0301, as macOS file names and many
 * PDFs hold it), in either case, is one text. What a tag is stored as (a tag is shown as stored).
 */
export const caseless = (text: string): string => text.normalize('NFC').toLowerCase();

/**
 * {@link caseless}, with every Greek small sigma written `σ`: `toLowerCase` writes a capital sigma
 * ending a word (of the whole text) as the final form `ς` and any other as `σ`, so "ΚΩΣ" would read
 * "κως" while inside "ΚΩΣΤΑΣ" it is "κωσ", and a part of a name would not find the name. For keys
 * that are compared, never shown: the contact search text and its query (search.ts).
 */
export const fold = (text: string): string => caseless(text).replace(/ς/g, 'σ');
