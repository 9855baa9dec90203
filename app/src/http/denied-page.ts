/**
 * The page a signed-in person sees when a route refuses them: who they are signed in as, that
 * this app needs something they lack, how to sign out or switch account, and the request id.
 * What exactly is missing is shown only when the operator allows it (it names groups and roles).
 */
import { escapeHtml } from './html-page.ts';

/** What the denied page shows; every value is escaped when rendered. */
export interface DeniedPageInput {
  /** The signed-in user's name. */
  readonly user: string;
  readonly requestId: string;
  /** What the route needs, in words (e.g. "membership of admins"); empty hides the details. */
  readonly needs: readonly string[];
  /** Ends the session. */
  readonly signOutUrl: string;
  /** Signs in again as someone else and returns to the refused page. */
  readonly switchAccountUrl: string;
}

/** Renders the denied page: a complete document, no scripts, no external resources. */
export function renderDeniedPage(input: DeniedPageInput): string {
  const needs =
    input.needs.length === 0
      ? '<p>Your account is not allowed to use this application.</p>'
      : `<p>This application needs ${input.needs.map((n) => escapeHtml(n)).join(' and ')}, which your account does not have.</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Access denied</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}
h1{font-size:1.4rem}.id{color:#777;font-size:.85rem}a{color:#0645ad}</style></head>
<body><main><h1>Access denied</h1>
<p>You are signed in as <strong id="denied-user">${escapeHtml(input.user)}</strong>.</p>
${needs}
<p><a id="switch-account" href="${escapeHtml(input.switchAccountUrl)}">Sign in as someone else</a> ·
<a id="sign-out" href="${escapeHtml(input.signOutUrl)}">Sign out</a></p>
<p class="id">Request ID: ${escapeHtml(input.requestId)}</p>
</main></body></html>
`;
}
