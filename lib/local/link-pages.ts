/**
 * The pages mailed links open locally (shared/identity/mailed-links.ts: `<base>/<page>#token=`):
 * small self-contained HTML, no framework. Each reads the token from the fragment (which the
 * browser never sends, so it stays out of logs), drops it from the address bar, and calls the
 * API with the CSRF token `GET /api/csrf-token` hands out (the session's own when signed in,
 * else the double-submit value of the `csrf-token` cookie it sets, as docs/API.md describes).
 *
 *   /verify-email      POST /api/auth/verify-email {token} as soon as it opens
 *   /reset-password    a new-password form -> POST /api/auth/password-reset/confirm {token, password}
 *   /invites/accept    an Accept button -> POST /api/invites/accept {token}; on 401 a log-in form
 *                      (POST /api/auth/login), then the accept again with the session's token
 *
 * One inline script and one inline style, allowed by their hashes in the page's CSP: nothing
 * else runs, and the script may call this origin only. In the cloud these pages belong to the
 * front end PUBLIC_BASE_URL names; the API itself serves no HTML but its status page.
 */
import { createHash } from 'node:crypto';
import { MAILED_PAGES, type MailedPage } from '../../shared/identity/mailed-links';
import { type LocalPages, PAGE_HEADERS } from './local-pages';

const STYLE = `body{font:16px system-ui,sans-serif;margin:3em auto;max-width:32em;padding:0 1em;color:#222}
h1{font-size:1.4em}label{display:block;margin:.8em 0 .2em}input{font:inherit;width:100%;padding:.4em;box-sizing:border-box}
button{font:inherit;margin-top:1em;padding:.4em 1.2em}.ok{color:#066}.error{color:#a00}[hidden]{display:none}`;

/** The same script on every page; `data-page` on <body> says which flow it runs. */
const SCRIPT = `(() => {
  const page = document.body.dataset.page;
  const result = document.getElementById('result');
  const show = (text, ok) => { result.textContent = text; result.className = ok ? 'ok' : 'error'; };
  const token = new URLSearchParams(location.hash.slice(1)).get('token');
  // Out of the address bar and the history: the token is a credential.
  history.replaceState(null, '', location.pathname);
  if (!token) { show('This link has no token. Open the link from the email again.', false); return; }
  const csrfToken = async () => {
    const res = await fetch('/api/csrf-token', { credentials: 'same-origin' });
    if (!res.ok) throw new Error('Could not get a CSRF token (' + res.status + ')');
    return (await res.json()).token;
  };
  const post = (path, body, csrf) => fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
    body: JSON.stringify(body),
  });
  const reason = async (res) => {
    try { const body = await res.json(); return body.message || res.statusText; } catch { return res.statusText; }
  };
  const form = (id, onSubmit) => {
    const el = document.getElementById(id);
    el.hidden = false;
    el.addEventListener('submit', (event) => {
      event.preventDefault();
      onSubmit(new FormData(el), el).catch((error) => show(error.message, false));
    });
    return el;
  };

  if (page === 'verify-email') {
    show('Confirming your email address ...', true);
    (async () => {
      const res = await post('/api/auth/verify-email', { token }, await csrfToken());
      if (res.ok) show('Your email address is confirmed. You can close this page.', true);
      else show('The address could not be confirmed: ' + (await reason(res)), false);
    })().catch((error) => show(error.message, false));
  }

  if (page === 'reset-password') {
    form('reset', async (data, el) => {
      if (data.get('password') !== data.get('again')) return show('The two passwords differ.', false);
      const res = await post('/api/auth/password-reset/confirm', { token, password: data.get('password') }, await csrfToken());
      if (!res.ok) return show('The password was not changed: ' + (await reason(res)), false);
      el.hidden = true;
      show('Your password is changed and every session of the account signed out. Sign in with the new one.', true);
    });
  }

  if (page === 'invites/accept') {
    const accept = async (csrf) => {
      const res = await post('/api/invites/accept', { token }, csrf ?? (await csrfToken()));
      if (res.status === 401) {
        show('Sign in with the invited address to accept.', false);
        document.getElementById('accept').hidden = true;
        document.getElementById('login').hidden = false;
        return;
      }
      if (!res.ok) return show('The invite was not accepted: ' + (await reason(res)), false);
      const { membership } = await res.json();
      for (const id of ['accept', 'login']) document.getElementById(id).hidden = true;
      show('You joined workspace ' + membership.workspaceId + ' as ' + membership.role + '.', true);
    };
    form('accept', () => accept());
    form('login', async (data) => {
      const res = await post('/api/auth/login', { email: data.get('email'), password: data.get('password') }, await csrfToken());
      if (!res.ok) return show('Could not sign in: ' + (await reason(res)), false);
      await accept((await res.json()).csrfToken);
    });
    document.getElementById('login').hidden = true;
  }
})();`;

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** Only the page's own inline script and style run; its calls go to this origin only. */
export const LINK_PAGE_CSP = [
  "default-src 'none'",
  `script-src ${sha256(SCRIPT)}`,
  `style-src ${sha256(STYLE)}`,
  "connect-src 'self'",
  "form-action 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

const CONTENT: Record<MailedPage, { title: string; body: string }> = {
  'verify-email': { title: 'Confirm your email address', body: '' },
  'reset-password': {
    title: 'Choose a new password',
    body: `<form id="reset" hidden>
<label for="password">New password</label><input id="password" name="password" type="password" autocomplete="new-password" required>
<label for="again">The same again</label><input id="again" name="again" type="password" autocomplete="new-password" required>
<button type="submit">Set the password</button>
</form>`,
  },
  'invites/accept': {
    title: 'Join a workspace',
    body: `<form id="accept" hidden><p>You were invited to a Unite-Hub workspace.</p><button type="submit">Accept the invite</button></form>
<form id="login" hidden>
<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in and accept</button>
</form>`,
  },
};

export function renderLinkPage(page: MailedPage): string {
  const { title, body } = CONTENT[page];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Unite-Hub</title>
<style>${STYLE}</style>
</head>
<body data-page="${page}">
<h1>${title}</h1>
${body}
<p id="result" role="status"></p>
<noscript><p class="error">This page needs JavaScript to call the API.</p></noscript>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

/** `/verify-email`, `/reset-password` and `/invites/accept`, for the API host. */
export function linkPages(): LocalPages {
  return Object.fromEntries(
    MAILED_PAGES.map((page) => [
      `/${page}`,
      async () => ({
        status: 200,
        headers: {
          ...PAGE_HEADERS,
          'content-security-policy': LINK_PAGE_CSP,
          'content-type': 'text/html; charset=utf-8',
        },
        body: renderLinkPage(page),
      }),
    ]),
  );
}
