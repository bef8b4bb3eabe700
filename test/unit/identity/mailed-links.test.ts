import { afterEach, describe, expect, it, vi } from 'vitest';
import { mailedLink, parsePublicBaseUrl } from '../../../shared/identity/mailed-links';

describe('parsePublicBaseUrl', () => {
  it.each([
    ['https://app.example.com', 'https://app.example.com'],
    ['https://app.example.com/', 'https://app.example.com'],
    ['https://App.Example.COM:8443/crm/', 'https://app.example.com:8443/crm'],
    ['https://app.example.com/a/b//', 'https://app.example.com/a/b'],
    ['http://127.0.0.1:3008', 'http://127.0.0.1:3008'],
    ['http://[::1]:3008', 'http://[::1]:3008'],
    ['https://dxxxx.cloudfront.net', 'https://dxxxx.cloudfront.net'],
  ])('accepts %s as %s', (input, normalised) => {
    expect(parsePublicBaseUrl(input)).toBe(normalised);
  });

  it.each([
    ['', 'empty'],
    ['app.example.com', 'no scheme'],
    ['/reset', 'relative'],
    ['ftp://app.example.com', 'not http(s)'],
    ['javascript:alert(1)', 'not http(s)'],
    ['https://user:pass@app.example.com', 'user info'],
    ['https://evil.example@app.example.com', 'user info'],
    ['https://app.example.com/sso?next=', 'query'],
    ['https://app.example.com?', 'empty query'],
    ['https://app.example.com/#', 'fragment'],
    ['https://app.example.com/#x', 'fragment'],
    ['https://app.exa\tmple.com', 'tab (URL parsing would drop it)'],
    ['https://app.example.com\r\nX-Injected: 1', 'CRLF'],
    [' https://app.example.com', 'leading space'],
    ['https://app.example.com\\@evil.example', 'backslash'],
    ['https:\\\\evil.example', 'backslashes'],
    ['https://app.example.com/\u0000', 'NUL'],
  ])('refuses %j (%s)', (input) => {
    expect(() => parsePublicBaseUrl(input)).toThrow();
  });

  it('refuses http when https is required (every deployed stage)', () => {
    expect(() => parsePublicBaseUrl('http://app.example.com', { requireHttps: true })).toThrow(/https/);
    expect(parsePublicBaseUrl('https://app.example.com', { requireHttps: true })).toBe('https://app.example.com');
  });
});

describe('mailedLink', () => {
  it('puts the token in the fragment of a page under the configured base', () => {
    expect(mailedLink('https://app.example.com', 'reset-password', 'abc_-1')).toBe(
      'https://app.example.com/reset-password#token=abc_-1',
    );
    expect(mailedLink('https://app.example.com/crm/', 'invites/accept', 'tok')).toBe(
      'https://app.example.com/crm/invites/accept#token=tok',
    );
  });

  it('keeps every link on the base origin, whatever the token holds', () => {
    for (const token of ['../../evil', '@evil.example', '/\\evil.example', '#x?y', 'a b\r\nc']) {
      const url = new URL(mailedLink('https://app.example.com', 'verify-email', token));
      expect(url.origin).toBe('https://app.example.com');
      expect(url.pathname).toBe('/verify-email');
      expect(url.search).toBe('');
      expect(decodeURIComponent(url.hash.slice('#token='.length))).toBe(token);
    }
  });

  it('refuses a base that is a request Host rather than a configured URL', () => {
    // What functions/identity.ts and functions/workspaces.ts used to build links from.
    for (const host of ['evil.example', 'login.evil.example/sso?next=', 'http://login.evil.example/sso?next=']) {
      expect(() => mailedLink(host, 'reset-password', 'tok')).toThrow();
    }
  });
});

describe('PUBLIC_BASE_URL in shared/config', () => {
  const saved = { url: process.env.PUBLIC_BASE_URL, stage: process.env.STAGE };
  afterEach(() => {
    for (const [name, value] of [
      ['PUBLIC_BASE_URL', saved.url],
      ['STAGE', saved.stage],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    vi.resetModules();
  });
  const loadConfig = async (env: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(env)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    vi.resetModules();
    return import('../../../shared/config');
  };

  it('stops the cold start, naming the variable, when it is malformed', async () => {
    for (const bad of ['login.evil.example/sso?next=', 'https://app.example.com/?next=', 'ftp://x.example']) {
      await expect(loadConfig({ PUBLIC_BASE_URL: bad, STAGE: 'local' })).rejects.toThrow(/PUBLIC_BASE_URL/);
    }
  });

  it('stops the cold start when a deployed stage is given an http URL', async () => {
    await expect(loadConfig({ PUBLIC_BASE_URL: 'http://app.example.com', STAGE: 'prod' })).rejects.toThrow(
      /PUBLIC_BASE_URL: must be an https URL/,
    );
  });

  it('gives the normalised URL to functions that mail links, and refuses to go on without one', async () => {
    const config = await loadConfig({ PUBLIC_BASE_URL: 'https://App.Example.com/crm/', STAGE: 'dev' });
    expect(config.config.PUBLIC_BASE_URL).toBe('https://app.example.com/crm');
    expect(config.publicBaseUrl()).toBe('https://app.example.com/crm');
    delete process.env.PUBLIC_BASE_URL;
    expect(() => config.publicBaseUrl()).toThrow(config.ConfigError);
  });
});
