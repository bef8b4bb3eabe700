/** A binary answer (the tracking pixel) reaches API Gateway and the local host as base64. */
import { describe, expect, it } from 'vitest';
import { readResult } from '../../../lib/local/api-event';
import { toApiResult } from '../../../shared/http/to-api-result';

describe('binary results', () => {
  it('marks a base64 string body so the host decodes it, and leaves other bodies as text', () => {
    const gif = 'R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';
    const out = toApiResult(
      { status: 200, headers: { 'content-type': 'image/gif' }, body: gif, isBase64Encoded: true },
      'r1',
    );
    expect(out.isBase64Encoded).toBe(true);
    expect(readResult(out).body.subarray(0, 6).toString('latin1')).toBe('GIF89a');
    expect(toApiResult({ status: 200, body: 'text' }, 'r2').isBase64Encoded).toBeUndefined();
  });
});
