/**
 * The client a per-address limit counts: IPv6 by its /64 (any notation), IPv4-mapped and NAT64
 * IPv6 by the IPv4 address inside, IPv4 as itself, anything else as given.
 */
import { describe, expect, it } from 'vitest';
import { limitedAddressOf } from '../../../shared/security/client-address';

describe('limitedAddressOf', () => {
  it.each([
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:db8:1:2:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:0000:0000:0000:0001', '2001:db8:1:2::/64'],
    ['2001:DB8:1:2:AA::1', '2001:db8:1:2::/64'],
    ['[2001:db8:1:2::1]', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8::/64'],
    ['2001:db8:0:0:1::', '2001:db8::/64'],
    ['2a00:1450:4001:82a:abcd:1234:5678:9abc', '2a00:1450:4001:82a::/64'],
    ['fe80::1%eth0', 'fe80::/64'],
    ['fe80::1%25', 'fe80::/64'],
    ['::1', '::/64'],
    ['2001:db8:1:2::1.2.3.4', '2001:db8:1:2::/64'],
  ])('IPv6 %s counts as %s', (address, limited) => {
    expect(limitedAddressOf(address)).toBe(limited);
  });

  it.each([
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['::FFFF:203.0.113.7', '203.0.113.7'],
    ['::ffff:cb00:7107', '203.0.113.7'],
    ['0:0:0:0:0:ffff:cb00:7107', '203.0.113.7'],
    ['[::ffff:203.0.113.7]', '203.0.113.7'],
    ['64:ff9b::203.0.113.7', '203.0.113.7'],
  ])('IPv4 carried in IPv6 %s counts as %s', (address, limited) => {
    expect(limitedAddressOf(address)).toBe(limited);
  });

  it('leaves IPv4 as it is, and anything that is not an address as given', () => {
    expect(limitedAddressOf('203.0.113.7')).toBe('203.0.113.7');
    expect(limitedAddressOf(' 203.0.113.7 ')).toBe('203.0.113.7');
    expect(limitedAddressOf('unknown')).toBe('unknown');
    expect(limitedAddressOf('')).toBe('');
  });

  it('gives every address of one /64 the same answer and two /64s two answers', () => {
    const one = new Set(
      Array.from({ length: 50 }, (_, i) => limitedAddressOf(`2001:db8:1:2::${(i + 1).toString(16)}`)),
    );
    expect([...one]).toEqual(['2001:db8:1:2::/64']);
    expect(limitedAddressOf('2001:db8:1:3::1')).not.toBe(limitedAddressOf('2001:db8:1:2::1'));
  });
});

describe('the per-address limits count by it', () => {
  it('the log-in throttle counts the addresses of one /64 on one counter', async () => {
    const { addressAttemptKey } = await import('../../../shared/identity/accounts/login-throttle');
    expect(addressAttemptKey('2001:db8:1:2::1')).toBe(addressAttemptKey('2001:DB8:1:2:0:0:0:ffff'));
    expect(addressAttemptKey('::ffff:203.0.113.7')).toBe(addressAttemptKey('203.0.113.7'));
    expect(addressAttemptKey('2001:db8:1:3::1')).not.toBe(addressAttemptKey('2001:db8:1:2::1'));
  });
});
