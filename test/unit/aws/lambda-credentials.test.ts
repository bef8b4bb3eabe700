/** The bundles' credential provider reads Lambda's environment, as the SDK's env provider does. */
import { afterEach, describe, expect, it } from 'vitest';
import { defaultProvider } from '../../../shared/aws/lambda-credentials';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

describe('defaultProvider (bundles)', () => {
  it('returns the role credentials Lambda puts in the environment', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIAEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret';
    process.env.AWS_SESSION_TOKEN = 'session';
    await expect(defaultProvider()()).resolves.toMatchObject({
      accessKeyId: 'AKIAEXAMPLE',
      secretAccessKey: 'secret',
      sessionToken: 'session',
    });
  });
  it('fails clearly when there are none (never falls back to a developer profile)', async () => {
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    await expect(defaultProvider()()).rejects.toThrow(/credentials/i);
  });
});
