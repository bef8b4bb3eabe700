import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { describe, expect, it } from 'vitest';
import { sesEmailSender } from '../../../shared/adapters/ses-email';
import {
  assertHeaderValue,
  isSingleLine,
  singleLineText,
  UnsafeHeaderValueError,
} from '../../../shared/security/single-line-text';

/** Every character class a one-line name must refuse, anywhere in the value. */
const HOSTILE = {
  CR: '\r',
  LF: '\n',
  CRLF: '\r\n',
  TAB: '\t',
  NUL: '\u0000',
  ESC: '\u001b',
  DEL: '\u007f',
  'NEL (C1)': '\u0085',
  'CSI (C1)': '\u009b',
  'LINE SEPARATOR': '\u2028',
  'PARAGRAPH SEPARATOR': '\u2029',
  'RIGHT-TO-LEFT OVERRIDE': '\u202e',
  'LEFT-TO-RIGHT ISOLATE': '\u2066',
  'lone high surrogate': '\ud800',
  'lone low surrogate': '\udc00',
};

describe('singleLineText', () => {
  const name = singleLineText(100);

  it.each(Object.entries(HOSTILE))('refuses %s at the start, middle and end', (_label, char) => {
    for (const value of [`${char}Acme`, `Ac${char}me`, `Acme${char}`, `Acme${char}Bcc: victim@example.com`]) {
      const out = name.safeParse(value);
      expect(out.success, JSON.stringify(value)).toBe(false);
    }
  });

  it('checks before trimming: a trailing CRLF is refused, not trimmed away', () => {
    expect(name.safeParse('Acme\r\n').success).toBe(false);
    expect(name.safeParse('\nAcme').success).toBe(false);
  });

  it('trims spaces, NFC-normalises, and keeps real names in any script', () => {
    expect(name.parse('  Acme Pty Ltd  ')).toBe('Acme Pty Ltd');
    expect(name.parse('Cafe\u0301')).toBe('Caf\u00e9');
    for (const ok of ['Zoë Ørsted', '株式会社テスト', 'مؤسسة', 'O’Brien & Co.', 'Team 👩‍👩‍👧 (ZWJ)', 'می‌خواهم']) {
      expect(name.parse(ok)).toBe(ok.normalize('NFC'));
    }
  });

  it('refuses empty, blank and over-long values', () => {
    expect(name.safeParse('').success).toBe(false);
    expect(name.safeParse('   ').success).toBe(false);
    expect(name.safeParse('\u3000').success).toBe(false);
    expect(name.safeParse('x'.repeat(101)).success).toBe(false);
    expect(name.safeParse('x'.repeat(100)).success).toBe(true);
    expect(name.safeParse(42).success).toBe(false);
  });
});

describe('assertHeaderValue', () => {
  it('returns a single line and throws on any line break or control character', () => {
    expect(assertHeaderValue('You are invited to Acme', 'subject')).toBe('You are invited to Acme');
    for (const char of Object.values(HOSTILE)) {
      expect(isSingleLine(`a${char}b`)).toBe(false);
      expect(() => assertHeaderValue(`Hi${char}Bcc: x@example.com`, 'subject')).toThrow(UnsafeHeaderValueError);
    }
  });
});

describe('sesEmailSender', () => {
  const fakeSes = () => {
    const sent: unknown[] = [];
    const client = {
      send: async (command: { input: unknown }) => {
        sent.push(command.input);
        return { MessageId: 'm-1' };
      },
    } as unknown as SESv2Client;
    return { client, sent };
  };

  it('sends a single-line subject', async () => {
    const { client, sent } = fakeSes();
    const out = await sesEmailSender(client, 'no-reply@example.com').send({
      to: 'a@example.com',
      subject: 'Reset your password',
      text: 'body\nwith lines is fine',
    });
    expect(out.messageId).toBe('m-1');
    expect(sent).toHaveLength(1);
  });

  it.each([
    ['subject', { to: 'a@example.com', subject: 'Hello\r\nBcc: victim@example.com' }],
    ['subject', { to: 'a@example.com', subject: 'Hello\nX-Spam: no' }],
    ['subject', { to: 'a@example.com', subject: 'Hello\u2028there' }],
    ['recipient', { to: 'a@example.com\r\nBcc: victim@example.com', subject: 'Hello' }],
  ])('refuses, without sending, a %s with a line break', async (_what, mail) => {
    const { client, sent } = fakeSes();
    await expect(sesEmailSender(client, 'no-reply@example.com').send({ ...mail, text: 't' })).rejects.toThrow(
      UnsafeHeaderValueError,
    );
    expect(sent).toHaveLength(0);
  });

  it('refuses a sender address with a line break at construction', () => {
    expect(() => sesEmailSender(fakeSes().client, 'no-reply@example.com\r\nBcc: x@example.com')).toThrow(
      UnsafeHeaderValueError,
    );
  });
});
