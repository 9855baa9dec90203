import { escapeHtml } from '../support/escape-html.ts';

// Inline styles only: the pages must render without fetching anything, because the browser used
// by the tests blocks every request that does not go to a loopback host.
const STYLE = `body{font-family:system-ui,sans-serif;background:#f4f5f7;margin:0;padding:48px 16px}
main{max-width:340px;margin:0 auto;background:#fff;border-radius:6px;padding:24px 28px;box-shadow:0 1px 3px rgba(0,0,0,.2)}
h1{font-size:1.3em;font-weight:600;margin-top:0}label{display:block;margin:12px 0 4px}
input{width:100%;box-sizing:border-box;padding:8px;font-size:1em}
button{margin-top:18px;width:100%;padding:10px;font-size:1em;background:#2557d6;color:#fff;border:0;border-radius:4px;cursor:pointer}
.error{color:#b00020}.hint{color:#555;font-size:.85em}pre{white-space:pre-wrap;word-break:break-word}`;

function page(title: string, body: string, head = ''): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>${head}
</head>
<body><main>
${body}
</main></body>
</html>`;
}

/** Inputs of {@link loginPage}. */
export interface LoginPageInput {
  /** Where the form posts to. */
  action: string;
  clientId: string;
  login?: string;
  error?: string;
}

/** The IdP's sign-in form: `input[name=login]`, `input[name=password]`, `button[type=submit]`. */
export function loginPage(input: LoginPageInput): string {
  const error = input.error === undefined ? '' : `<p class="error" role="alert">${escapeHtml(input.error)}</p>`;
  return page(
    'Sign in – test IdP',
    `<h1>Sign in</h1>
<p class="hint">to continue to <strong>${escapeHtml(input.clientId)}</strong></p>
${error}
<form method="post" action="${escapeHtml(input.action)}" autocomplete="off">
<label for="login">Username</label>
<input id="login" name="login" value="${escapeHtml(input.login ?? '')}" required autofocus>
<label for="password">Password</label>
<input id="password" name="password" type="password" required>
<button type="submit">Sign in</button>
</form>
<p class="hint">Demo users: alice, bob, carol, mallory (the password is the username).</p>`,
  );
}

/**
 * The RP-initiated logout page. oidc-provider insists on a confirmation form; this page submits
 * it by itself with `logout=yes` (sign out of the whole IdP session), and still shows the button
 * for a client without JavaScript.
 *
 * @param form - the `<form id="op.logoutForm">` markup produced by oidc-provider (trusted).
 */
export function logoutPage(form: string): string {
  const script = `<script>document.addEventListener('DOMContentLoaded',function(){var f=document.getElementById('op.logoutForm');var i=document.createElement('input');i.type='hidden';i.name='logout';i.value='yes';f.appendChild(i);f.submit();});</script>`;
  return page(
    'Signing out – test IdP',
    `<h1>Signing out…</h1>
${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes">Yes, sign me out</button>`,
    script,
  );
}

/** Shown after a logout request that carried no `post_logout_redirect_uri`. */
export function signedOutPage(): string {
  return page('Signed out – test IdP', '<h1>Signed out</h1><p>You have been signed out of the test IdP.</p>');
}

/** The IdP's error page; `details` are the OAuth error fields (`error`, `error_description`, …). */
export function errorPage(details: Record<string, unknown>): string {
  const rows = Object.entries(details)
    .map(([key, value]) => `<pre><strong>${escapeHtml(key)}</strong>: ${escapeHtml(value)}</pre>`)
    .join('\n');
  return page('Error – test IdP', `<h1 class="error">Something went wrong</h1>\n${rows}`);
}
