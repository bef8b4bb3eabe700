/**
 * SES v2 as an `EmailProvider` of the failover chain (account mail keeps its own
 * `ses-email.ts`). `SendEmail` with simple content: subject, HTML and text parts, the extra
 * headers (`Content.Simple.Headers`: at most 15; List-Unsubscribe and List-Unsubscribe-Post
 * go here), the configuration set (bounce/complaint/delivery events) and the tags as
 * `EmailTags` (workspace, campaign, send id: the events carry them back).
 *
 * Errors: the SDK's own (`name`, `$metadata.httpStatusCode`) already read right in
 * `classifyProviderError` (429 `TooManyRequestsException` -> throttled, `MessageRejected` and
 * other 400s -> rejected, 5xx and network -> unavailable), except the faults of the account or its
 * sender configuration ({@link sesAccountFault}: suspended, paused, the daily quota, a missing or
 * paused configuration set, an unverified MAIL FROM domain or sender identity): those refuse every
 * mail alike and say nothing about the message, so they are rethrown as `SesAccountUnavailableError`
 * (503) and the chain fails over (with no other provider, the send is given back and retried). An
 * unverified RECIPIENT (the sandbox) is the message's: `rejected`, closed.
 */
import { GetAccountCommand, type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { EmailProvider, OutgoingEmail } from '../email/ports';
import type { SendQuota } from './dynamo-send-pacer';
import { assertSendable } from './outgoing-email-guard';

/** SES refuses more custom headers than this. */
export const SES_MAX_HEADERS = 15;

/**
 * SendEmail's errors (SES v2, and v1's names for the same faults) that are about the account or its
 * sender configuration, never about the message. Of v2's list only `BadRequestException`,
 * `MessageRejected` (but see {@link UNVERIFIED_IDENTITY}) and `TooManyRequestsException` are not.
 */
const ACCOUNT_LEVEL = new Set([
  'AccountSuspendedException',
  'SendingPausedException',
  // The daily quota spent (documented as "too many instances of the specified resource type").
  'LimitExceededException',
  // A configuration set (or another resource the account names) that does not exist.
  'NotFoundException',
  // The custom MAIL FROM domain lost its MX (or SPF) verification: every mail from it is refused.
  'MailFromDomainNotVerifiedException',
  'MailFromDomainNotVerified',
  'AccountSendingPausedException',
  'ConfigurationSetSendingPausedException',
  'ConfigurationSetDoesNotExistException',
  'ConfigurationSetDoesNotExist',
]);

/**
 * SES's documented `MessageRejected` text for an identity that is not verified: "Email address is
 * not verified. The following identities failed the check in region <R>: <identity>, ...". The
 * identity named decides whose fault it is: a sender identity that lapsed or was deleted (the From
 * address or its domain) refuses every mail alike (the account's); a recipient (in the sandbox only
 * verified recipients are taken) refuses this mail only, and mail to others still goes out.
 */
const UNVERIFIED_IDENTITY = /\bEmail address is not verified\b/i;
/** The identities SES lists, after "failed the check ...:". */
const FAILED_LIST = /failed the check[^:]*:(.*)$/is;

/** `a@b.c` from `a@b.c` or `Name <a@b.c>`, lower case. */
function addressOf(mailbox: string): string {
  const angled = /<([^<>]*)>\s*$/.exec(mailbox);
  return (angled?.[1] ?? mailbox).trim().toLowerCase();
}

/** The words of `text` that may be identities: addresses, domains, an identity's ARN reduced to its name. */
function identitiesIn(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((word) =>
      word
        .replace(/^[<("']+|[>)"'.]+$/g, '')
        .replace(/^arn:[^/]*:identity\//i, '')
        .toLowerCase(),
    )
    .filter((word) => word.length > 0);
}

/** Whether `identity` is the sender's: its address, its domain or a parent domain (which covers it). */
function isSenderIdentity(identity: string, sender: string): boolean {
  if (identity === sender) return true;
  const domain = sender.slice(sender.lastIndexOf('@') + 1);
  return !identity.includes('@') && identity.includes('.') && (domain === identity || domain.endsWith(`.${identity}`));
}

/**
 * Whether an SES error is a fault of the account or its sender configuration, not of the message
 * `email`. An unverified-identity rejection is the account's when SES names the sender, the
 * message's (`rejected`) when its list names only others (the recipient, in the sandbox). A text
 * without a readable list is the account's unless it names the recipient and not the sender: read
 * so, a mail is at worst failed over or given back and retried (and counts against SES's breaker),
 * never closed for good; the other reading would close every mail of a lapsed sender.
 */
export function sesAccountFault(error: unknown, email: { readonly from: string; readonly to: string }): boolean {
  const { name, message } = (error ?? {}) as { name?: unknown; message?: unknown };
  if (typeof name !== 'string') return false;
  if (ACCOUNT_LEVEL.has(name)) return true;
  if (name !== 'MessageRejected' || typeof message !== 'string' || !UNVERIFIED_IDENTITY.test(message)) return false;
  const listed = FAILED_LIST.exec(message)?.[1];
  const named = identitiesIn(listed ?? message);
  const sender = addressOf(email.from);
  if (named.some((identity) => isSenderIdentity(identity, sender))) return true;
  if (listed !== undefined && named.length > 0) return false;
  return !named.includes(addressOf(email.to));
}

/** SES cannot send for this account right now (not the message's fault): fail over. */
export class SesAccountUnavailableError extends Error {
  override name = 'SesAccountUnavailableError';
  readonly status = 503;
}

/** SES tag names and values: ASCII letters, digits, `_`, `-`, `.`, `@`; at most 256 characters. */
const tagValue = (value: string) => value.replace(/[^A-Za-z0-9_\-.@]/g, '_').slice(0, 256) || '_';

export function sesProvider(client: SESv2Client, configurationSet?: string): EmailProvider {
  return {
    name: 'ses',
    async send(email: OutgoingEmail, signal?: AbortSignal) {
      assertSendable(email);
      const headers = Object.entries(email.headers);
      if (headers.length > SES_MAX_HEADERS) {
        throw Object.assign(
          new Error(`SES takes at most ${SES_MAX_HEADERS} custom headers (${headers.length} given)`),
          {
            name: 'BadRequestException',
            status: 400,
          },
        );
      }
      try {
        const out = await client.send(
          new SendEmailCommand({
            FromEmailAddress: email.from,
            Destination: { ToAddresses: [email.to] },
            Content: {
              Simple: {
                Subject: { Data: email.subject, Charset: 'UTF-8' },
                Body: { Text: { Data: email.text, Charset: 'UTF-8' }, Html: { Data: email.html, Charset: 'UTF-8' } },
                ...(headers.length > 0 ? { Headers: headers.map(([Name, Value]) => ({ Name, Value })) } : {}),
              },
            },
            ...(configurationSet ? { ConfigurationSetName: configurationSet } : {}),
            ...(Object.keys(email.tags).length > 0
              ? { EmailTags: Object.entries(email.tags).map(([k, v]) => ({ Name: tagValue(k), Value: tagValue(v) })) }
              : {}),
          }),
          { abortSignal: signal },
        );
        return { providerMessageId: out.MessageId ?? '' };
      } catch (error) {
        if (sesAccountFault(error, email)) {
          const { name } = error as { name: string };
          throw new SesAccountUnavailableError(`SES cannot send now (${name})`, { cause: error });
        }
        throw error;
      }
    },
  };
}

/** The account's send quota (`GetAccount`), for the pacer. */
export async function sesSendQuota(client: SESv2Client): Promise<SendQuota> {
  const out = await client.send(new GetAccountCommand({}));
  const q = out.SendQuota ?? {};
  return {
    maxSendRate: q.MaxSendRate ?? 1,
    max24HourSend: q.Max24HourSend ?? 200,
    sentLast24Hours: q.SentLast24Hours ?? 0,
  };
}
