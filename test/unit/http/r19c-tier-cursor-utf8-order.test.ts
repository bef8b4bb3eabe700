/**
 * Review r19c (API edge: pagination cursors).
 *
 * Defect: a tampered cursor for `GET /api/contacts/list?tier=…` passes the cursor check yet lies
 * outside the Query's key range as DynamoDB orders strings, so in the cloud the list answers 500.
 * The tier listing reads gsi2 with `gsi2sk BETWEEN :lo AND :hi`, `hi` ending in `\uffff`, and
 * `decodeKeyCursor` checks the cursor's `gsi2sk` is within `[lo, hi]` with JavaScript's `<`/`>`,
 * which compare UTF-16 code units. DynamoDB compares strings by their UTF-8 bytes: a character
 * outside the BMP (an emoji, U+1F600: UTF-16 `\ud83d\ude00`, UTF-8 `F0 9F 98 80`) sorts BELOW
 * `\uffff` in UTF-16 but ABOVE it in UTF-8 (`EF BF BF`). The cursor `gsi2sk = "010000#😀"` is accepted
 * here and refused by DynamoDB ("The provided starting key does not match the range key predicate",
 * a ValidationException), which the error contract answers with a 500. The local emulator (dynalite)
 * compares with JavaScript's order too, so only the cloud shows the 500; this test checks the
 * cursor gate against DynamoDB's documented order.
 *
 * Severity: LOW (a forged cursor; a 5xx, an alarm and a Sentry report in the cloud).
 *
 * Root cause: shared/adapters/dynamo/cursor.ts:decodeKeyCursor (the `within` range compared in
 * UTF-16 order) together with shared/adapters/dynamo-contact-list-query.ts:listQuery (an upper bound
 * ending in `\uffff`).
 *
 * Correct behaviour: InvalidCursorError (400 `INVALID_CURSOR`): compare the range in UTF-8 byte
 * order (`Buffer.compare(Buffer.from(a), Buffer.from(b))`), as DynamoDB does, or bound the tier
 * range with a character no key holds instead of `\uffff`.
 */
import { describe, expect, it } from 'vitest';
import { decodeKeyCursor } from '../../../shared/adapters/dynamo/cursor';
import { listQuery } from '../../../shared/adapters/dynamo-contact-list-query';
import { InvalidCursorError } from '../../../shared/governance/paging';

const cursorOf = (key: Record<string, string>) => Buffer.from(JSON.stringify(key)).toString('base64url');
/** DynamoDB's order of two strings: by their UTF-8 bytes. */
const dynamoCompare = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

describe('tier listing cursor vs DynamoDB string order', () => {
  it('refuses a gsi2sk that DynamoDB orders above the range’s upper bound', () => {
    const ws = 'ws-r19c';
    const query = listQuery('core', ws, { tier: 'hot' }, { limit: 25, cursor: undefined });
    const { ':lo': lo, ':hi': hi } = query.input.ExpressionAttributeValues as Record<string, string>;
    const gsi2sk = '010000#\u{1F600}';
    // As DynamoDB sees it, the key is past the Query's `BETWEEN :lo AND :hi`: it refuses the start key.
    expect(dynamoCompare(gsi2sk, lo as string)).toBeGreaterThan(0);
    expect(dynamoCompare(gsi2sk, hi as string)).toBeGreaterThan(0);

    const cursor = cursorOf({
      pk: `WS#${ws}`,
      sk: 'CONTACT#abc',
      gsi2pk: query.shape.equals.gsi2pk as string,
      gsi2sk,
    });
    expect(() => decodeKeyCursor(cursor, query.shape)).toThrow(InvalidCursorError);
  });
});
