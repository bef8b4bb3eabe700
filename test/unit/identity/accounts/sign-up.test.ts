import { describe, expect, it } from 'vitest';
import { ConflictError, ValidationError } from '../../../../shared/errors';
import { verifyEmail } from '../../../../shared/identity/accounts/email-verification';
import { signUp } from '../../../../shared/identity/accounts/sign-up';
import { sha256 } from '../../../../shared/identity/tokens';
import { accountWorld, BROWSER, PASSWORD, SIGN_UP_ORIGIN } from './memory-accounts';

const input = {
  email: ' Ada@Example.COM ',
  password: PASSWORD,
  name: 'Ada <b>Lovelace</b>',
  organizationName: 'Analytical',
};

describe('signUp', () => {
  it('creates the user, organization, workspace and owner membership, and starts a session', async () => {
    const w = accountWorld();

    const result = await signUp(input, SIGN_UP_ORIGIN, w.deps);

    const record = w.accounts.records.get(result.user.userId);
    expect(result.user).toMatchObject({ email: 'ada@example.com', name: 'Ada <b>Lovelace</b>', emailVerified: false });
    expect(result.organization).toMatchObject({ name: 'Analytical', ownerUserId: result.user.userId });
    expect(result.workspace).toMatchObject({
      name: 'Analytical workspace',
      organizationId: result.organization.organizationId,
    });
    expect(result.user.defaultWorkspaceId).toBe(result.workspace.workspaceId);
    expect(record?.membership).toMatchObject({
      role: 'owner',
      userId: result.user.userId,
      workspaceId: result.workspace.workspaceId,
      organizationId: result.organization.organizationId,
    });
    expect(await w.passwords.verify(PASSWORD, record?.passwordHash ?? '')).toBe(true);
    const found = await w.sessions.findActive(sha256(result.sessionToken), new Date(w.clock.now()));
    expect(found?.user.userId).toBe(result.user.userId);
    expect(found?.session).toMatchObject({ ip: BROWSER.ip, userAgent: BROWSER.userAgent });
    expect(w.audit.entries).toEqual([
      expect.objectContaining({
        eventType: 'auth.signup',
        workspaceId: result.workspace.workspaceId,
        actorType: 'user',
        actorId: result.user.userId,
        ip: BROWSER.ip,
        userAgent: BROWSER.userAgent,
      }),
    ]);
  });

  it('names the workspace "Default" without an organization name', async () => {
    const w = accountWorld();
    const { workspace, organization } = await signUp({ ...input, organizationName: undefined }, SIGN_UP_ORIGIN, w.deps);
    expect(workspace.name).toBe('Default');
    expect(organization.name).toBe("Ada <b>Lovelace</b>'s organization");
  });

  it('mails a single-use verification link with the name HTML-encoded', async () => {
    const w = accountWorld();
    const { user } = await signUp(input, SIGN_UP_ORIGIN, w.deps);

    const [mail] = w.email.sent;
    expect(mail?.to).toBe('ada@example.com');
    expect(mail?.text).toContain('https://app.example.com/verify-email#token=');
    expect(mail?.html).toContain('Ada &lt;b&gt;Lovelace&lt;&#x2F;b&gt;');
    expect(mail?.html).not.toContain('<b>');

    const token = w.email.lastToken('ada@example.com');
    await verifyEmail(token, BROWSER, w.deps);
    expect((await w.accounts.findUser(user.userId))?.emailVerified).toBe(true);
    await expect(verifyEmail(token, BROWSER, w.deps)).rejects.toMatchObject({ status: 400, code: 'TOKEN_INVALID' });
    expect(w.audit.types()).toContain('auth.email_verified');
  });

  it('refuses an expired verification token', async () => {
    const w = accountWorld();
    await signUp(input, SIGN_UP_ORIGIN, w.deps);
    w.clock.advance(24 * 3600 + 1);
    await expect(verifyEmail(w.email.lastToken('ada@example.com'), BROWSER, w.deps)).rejects.toMatchObject({
      code: 'TOKEN_INVALID',
    });
  });

  it('answers 409 EMAIL_TAKEN for an address already used, whatever its case, and writes nothing', async () => {
    const w = accountWorld();
    await signUp(input, SIGN_UP_ORIGIN, w.deps);

    const second = signUp({ ...input, email: 'ADA@example.com', name: 'Impostor' }, SIGN_UP_ORIGIN, w.deps);

    await expect(second).rejects.toBeInstanceOf(ConflictError);
    await expect(second).rejects.toMatchObject({ status: 409, code: 'EMAIL_TAKEN' });
    expect(w.accounts.records.size).toBe(1);
    expect(w.sessions.byHash.size).toBe(1);
    expect(w.email.sent).toHaveLength(1);
  });

  it.each([
    ['too short', 'short pw'],
    ['one character repeated', 'aaaaaaaaaaaa'],
    ['the email address', 'ADA@example.com'],
    ['too long', 'x'.repeat(120) + 'y'.repeat(9)],
  ])('refuses a password that is %s with 400 WEAK_PASSWORD and creates nothing', async (_case, password) => {
    const w = accountWorld();
    const attempt = signUp({ ...input, password }, SIGN_UP_ORIGIN, w.deps);
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toMatchObject({ status: 400, code: 'WEAK_PASSWORD' });
    expect(w.accounts.records.size).toBe(0);
  });

  it.each([
    ['a common password with digits', 'password12'],
    ['a digit run', '1234567890'],
    ['a keyboard row', 'qwertyuiop'],
    ['a keyboard row, capitalised', 'Qwertyuiop1'],
    ['a top password, l33t', 'P@ssw0rd123'],
    ['a sequence', 'abcdefghijkl'],
    ['a repeated pattern', 'abcabcabcabc'],
    ['the email with a digit', 'ada@example.com1'],
    ['the name with a year', 'lovelace1815'],
    ['the service name', 'unitehub2025'],
  ])('refuses %s with 400 PASSWORD_TOO_WEAK and zxcvbn feedback, creating nothing', async (_case, password) => {
    const w = accountWorld();
    const attempt = signUp({ ...input, password, name: 'Ada Lovelace' }, SIGN_UP_ORIGIN, w.deps);
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toMatchObject({
      status: 400,
      code: 'PASSWORD_TOO_WEAK',
      message: expect.stringMatching(/^The password is too easy to guess\. \S/),
      details: { score: expect.any(Number), minimumScore: 3, suggestions: expect.any(Array) },
    });
    const error = (await attempt.catch((e: unknown) => e)) as ValidationError;
    expect((error.details as { score: number }).score).toBeLessThan(3);
    expect(JSON.stringify(error.details)).not.toContain(password);
    expect(w.accounts.records.size).toBe(0);
    expect(w.email.sent).toEqual([]);
  });

  it('refuses a malformed email with 400 INVALID_EMAIL', async () => {
    const w = accountWorld();
    await expect(signUp({ ...input, email: 'not-an-email' }, SIGN_UP_ORIGIN, w.deps)).rejects.toMatchObject({
      code: 'INVALID_EMAIL',
    });
  });

  it('still creates the account when the verification email fails', async () => {
    const w = accountWorld();
    const deps = { ...w.deps, email: { send: () => Promise.reject(new Error('SES down')) } };
    const { user } = await signUp(input, SIGN_UP_ORIGIN, deps);
    expect(await w.accounts.findUser(user.userId)).toBeDefined();
  });
});
