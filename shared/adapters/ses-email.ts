/**
 * The `EmailSender` port over SES v2 `SendEmail` (simple content: text, and HTML when given).
 * Refuses (throws `UnsafeHeaderValueError`, never sends) a subject, recipient or sender with a
 * line break or control character.
 */
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { EmailSender } from '../identity/ports';
import { assertHeaderValue } from '../security/single-line-text';

/**
 * @param client the SES client, or a function that makes it on first use: the SES v2 package
 *   (~60 KB) is then read only when a mail is sent (identity and workspaces send one on a few
 *   routes; their other routes never load it)
 * @param from the verified sender address (`config.SES_FROM_ADDRESS`)
 * @param configurationSet SES configuration set for bounce/complaint events, when deployed
 */
export function sesEmailSender(
  client: SESv2Client | (() => Promise<SESv2Client>),
  from: string,
  configurationSet?: string,
): EmailSender {
  assertHeaderValue(from, 'sender');
  return {
    async send({ to, subject, text, html }) {
      // The last stop before a header is written: a line break here would start a new header.
      assertHeaderValue(subject, 'subject');
      assertHeaderValue(to, 'recipient');
      const [ses, { SendEmailCommand }] = await Promise.all([
        typeof client === 'function' ? client() : client,
        import('@aws-sdk/client-sesv2'),
      ]);
      const out = await ses.send(
        new SendEmailCommand({
          FromEmailAddress: from,
          Destination: { ToAddresses: [to] },
          Content: {
            Simple: {
              Subject: { Data: subject, Charset: 'UTF-8' },
              Body: {
                Text: { Data: text, Charset: 'UTF-8' },
                ...(html === undefined ? {} : { Html: { Data: html, Charset: 'UTF-8' } }),
              },
            },
          },
          ...(configurationSet ? { ConfigurationSetName: configurationSet } : {}),
        }),
      );
      return { messageId: out.MessageId ?? '' };
    },
  };
}
