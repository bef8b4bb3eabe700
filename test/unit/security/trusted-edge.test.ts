import { describe, expect, it } from 'vitest';
import { constantTimeEqual } from '../../../shared/security/constant-time';
import { parseViewerAddress } from '../../../shared/security/trusted-edge';

describe('parseViewerAddress (CloudFront-Viewer-Address)', () => {
  it.each([
    ['203.0.113.7:46532', '203.0.113.7'],
    ['2001:db8:85a3::8a2e:370:7334:46532', '2001:db8:85a3::8a2e:370:7334'],
    ['[2001:db8::1]:443', '2001:db8::1'],
    ['198.51.100.1', '198.51.100.1'],
  ])('reads %s as %s', (header, address) => {
    expect(parseViewerAddress(header)).toBe(address);
  });
  it.each(['', 'garbage', '1.2.3.4; DROP', '<script>'])('refuses %j', (header) => {
    expect(parseViewerAddress(header)).toBeUndefined();
  });
});

describe('constantTimeEqual', () => {
  it('compares whole strings, whatever their lengths', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
  });
});
