import { describe, expect, it } from 'vitest';
import { constantTimeEqual } from '../../../shared/security/constant-time';
import { parseIpLiteral, parseViewerAddress, resolveCaller } from '../../../shared/security/trusted-edge';

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

describe('resolveCaller in local load mode (TRUST_LOAD_CLIENT_HEADER)', () => {
  const secret = 's'.repeat(32);
  const load = { loadClientHeader: 'x-load-client' };

  it('takes the simulated client address from the load header', () => {
    expect(resolveCaller({ 'x-load-client': '10.1.2.3' }, '127.0.0.1', load).clientAddress).toBe('10.1.2.3');
    expect(resolveCaller({ 'x-load-client': '2001:DB8::7' }, '127.0.0.1', load).clientAddress).toBe('2001:db8::7');
  });

  it.each(['', 'garbage', '10.1.2.3:80', '300.1.1.1', '10.1.2.3, 10.0.0.1', '1:2:3', '1::2::3'])(
    'ignores an invalid value %j and keeps the socket address',
    (value) => {
      expect(resolveCaller({ 'x-load-client': value }, '127.0.0.1', load).clientAddress).toBe('127.0.0.1');
    },
  );

  it('ignores the header when load mode is off', () => {
    const caller = resolveCaller({ 'x-load-client': '10.1.2.3' }, '127.0.0.1', { loadClientHeader: undefined });
    expect(caller.clientAddress).toBe('127.0.0.1');
  });

  it('ignores the header whenever an edge secret is configured (the cloud)', () => {
    const headers = { 'x-load-client': '10.1.2.3', 'x-origin-verify': secret };
    expect(resolveCaller(headers, '198.51.100.9', { ...load, accepted: [secret] }).clientAddress).toBe('198.51.100.9');
    expect(() =>
      resolveCaller({ 'x-load-client': '10.1.2.3' }, '198.51.100.9', { ...load, accepted: [secret] }),
    ).toThrow();
  });
});

describe('resolveCaller behind CloudFront (accepted origin values)', () => {
  const current = 'c'.repeat(48);
  const previous = 'p'.repeat(48);
  const rotating = { accepted: [current, previous], clientAddressHeader: 'x-viewer-address' };
  const refused = expect.objectContaining({ status: 403, code: 'ORIGIN_NOT_VERIFIED' });
  const call = (presented: string | undefined, settings: { accepted?: readonly string[] } = rotating) =>
    resolveCaller(
      { host: 'api.example', ...(presented === undefined ? {} : { 'x-origin-verify': presented }) },
      '198.51.100.9',
      settings,
    );

  it('accepts the current value', () => {
    expect(call(current).clientAddress).toBe('198.51.100.9');
  });

  it('accepts the previous value during a rotation', () => {
    expect(call(previous).publicHost).toBe('api.example');
  });

  it.each([
    ['another value', 'x'.repeat(48)],
    ['a prefix of the current value', current.slice(0, 47)],
    ['both values joined', `${current},${previous}`],
    ['an empty header', ''],
    ['no header', undefined],
  ])('refuses %s with 403 ORIGIN_NOT_VERIFIED', (_, presented) => {
    expect(() => call(presented)).toThrow(refused);
  });

  it('refuses everything, never lets through, when the accepted list is empty', () => {
    expect(() => call(current, { accepted: [] })).toThrow(refused);
    expect(() => call('', { accepted: [] })).toThrow(refused);
  });
});

describe('parseIpLiteral', () => {
  it.each([
    ['10.0.0.1', '10.0.0.1'],
    [' 192.168.1.255 ', '192.168.1.255'],
    ['::1', '::1'],
    ['2001:db8:0:0:0:0:0:1', '2001:db8:0:0:0:0:0:1'],
  ])('accepts %j', (value, address) => {
    expect(parseIpLiteral(value)).toBe(address);
  });
  it.each(['', 'localhost', '256.0.0.1', '1.2.3', '[::1]', '::1:80:', '12345::1', '1:2:3:4:5:6:7:8:9'])(
    'refuses %j',
    (value) => {
      expect(parseIpLiteral(value)).toBeUndefined();
    },
  );
});
