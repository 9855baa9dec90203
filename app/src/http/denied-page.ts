/**
 * The page a signed-in person sees when a route refuses them: who they are signed in as, that
 * this app needs something they lack, how to sign out or switch account, and the request id.
 * What exactly is missing is shown only when the operator allows it (it names groups and roles);
 * an account whose claims cannot be passed on is told so, since no group would help it.
 */
import { REASONS, type Reason } from '../policy/reasons.ts';
import { escapeHtml, paragraph, renderDocument } from './html-page.ts';

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
  /** The check's reasons; `claim-control-character` shows the unusable-account text. */
  readonly reasons?: readonly Reason[];
}

/** The page's heading by case, so tests and screenshots can tell the two apart. */
export const DENIED_TITLE = 'Access denied';
export const UNUSABLE_TITLE = 'Your account cannot be used here';

function explanation(input: DeniedPageInput): { title: string; body: string } {
  if (input.reasons?.includes(REASONS.claimControlCharacter)) {
    return {
      title: UNUSABLE_TITLE,
      body: [
        paragraph(
          'One of the details your identity provider holds about your account (such as your user name) contains a line break or another control character, which cannot be passed on to applications safely.',
        ),
        paragraph('Ask your administrator to correct the account, or sign in with another one.'),
      ].join('\n'),
    };
  }
  if (input.needs.length === 0) {
    return { title: DENIED_TITLE, body: paragraph('Your account is not allowed to use this application.') };
  }
  const items = input.needs.map((need) => `<li>${escapeHtml(need)}</li>`).join('');
  return {
    title: DENIED_TITLE,
    body: `<p>This application needs:</p>\n<ul id="needs">${items}</ul>\n${paragraph('Your account does not meet this. Ask the application’s administrator for access, or sign in with another account.')}`,
  };
}

/** Renders the denied page: a complete document, no scripts, no external resources. */
export function renderDeniedPage(input: DeniedPageInput): string {
  const { title, body } = explanation(input);
  return renderDocument({
    title,
    body: `<p>You are signed in as <strong id="denied-user">${escapeHtml(input.user)}</strong>.</p>\n${body}`,
    links: [
      { text: 'Sign in as someone else', href: input.switchAccountUrl, id: 'switch-account' },
      { text: 'Sign out', href: input.signOutUrl, id: 'sign-out' },
    ],
    requestId: input.requestId,
  });
}
