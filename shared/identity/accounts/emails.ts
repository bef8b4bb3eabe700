/**
 * Transactional emails of the account flows. Tokens travel in the link's fragment
 * (`#token=`): browsers never send a fragment to a server, so it stays out of access logs,
 * proxies and `Referer` headers; the page reads it and POSTs it to the API.
 * Every user-provided value in the HTML goes through `encodeHtml`.
 */
import { encodeHtml } from '../../security/sanitize';
import { mailedLink } from '../mailed-links';

export interface Email {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** `publicBaseUrl` is the configured one (PUBLIC_BASE_URL), never a request's Host. */
export const verifyEmailLink = (publicBaseUrl: string, token: string): string =>
  mailedLink(publicBaseUrl, 'verify-email', token);
export const resetPasswordLink = (publicBaseUrl: string, token: string): string =>
  mailedLink(publicBaseUrl, 'reset-password', token);

export function verificationEmail(name: string, link: string): Email {
  return {
    subject: 'Confirm your email address',
    text: `Hello ${name},\n\nConfirm your email address for Unite-Hub by opening this link within 24 hours:\n${link}\n\nIf you did not sign up, ignore this email.`,
    html: page(
      `<p>Hello ${encodeHtml(name, { maxLength: 200 })},</p>` +
        '<p>Confirm your email address for Unite-Hub by opening this link within 24 hours:</p>' +
        `<p><a href="${encodeHtml(link)}">Confirm my email address</a></p>` +
        '<p>If you did not sign up, ignore this email.</p>',
    ),
  };
}

export function passwordResetEmail(name: string, link: string): Email {
  return {
    subject: 'Reset your password',
    text: `Hello ${name},\n\nSomeone asked to reset the password of your Unite-Hub account. Open this link within 1 hour to choose a new one:\n${link}\n\nIf it was not you, ignore this email: your password stays as it is.`,
    html: page(
      `<p>Hello ${encodeHtml(name, { maxLength: 200 })},</p>` +
        '<p>Someone asked to reset the password of your Unite-Hub account. Open this link within 1 hour to choose a new one:</p>' +
        `<p><a href="${encodeHtml(link)}">Choose a new password</a></p>` +
        '<p>If it was not you, ignore this email: your password stays as it is.</p>',
    ),
  };
}

const page = (body: string): string =>
  `<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">${body}</body></html>`;
