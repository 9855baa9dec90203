import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { Interaction } from 'oidc-provider';
import type { DemoUser } from './demo-users.ts';
import { errorPage, loginPage } from './pages.ts';

const MAX_FORM_BYTES = 16 * 1024;
const INTERACTION_PATH = /^\/interaction\/([A-Za-z0-9_-]+)(\/login)?$/;

/** True for the paths {@link handleInteraction} serves. */
export function isInteractionPath(path: string): boolean {
  return INTERACTION_PATH.test(path);
}

/**
 * Serves the IdP's own login form at `/interaction/<uid>` (instead of oidc-provider's
 * devInteractions, which accept any password) and answers the consent prompt by itself.
 *
 * @returns `false` when the request is not an interaction request and should go to the provider.
 */
export async function handleInteraction(
  provider: Provider,
  users: readonly DemoUser[],
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  const path = new URL(req.url ?? '/', 'http://idp.invalid').pathname;
  const match = INTERACTION_PATH.exec(path);
  if (match === null) return false;
  const isSubmit = match[2] !== undefined;
  try {
    const interaction = await provider.interactionDetails(req, res);
    const clientId = String(interaction.params['client_id'] ?? '');
    const action = `/interaction/${encodeURIComponent(interaction.uid)}/login`;
    if (interaction.prompt.name === 'consent') {
      await finishConsent(provider, interaction, res, req);
    } else if (!isSubmit || req.method !== 'POST') {
      send(res, 200, loginPage({ action, clientId }));
    } else {
      const form = await readForm(req);
      const login = form.get('login') ?? '';
      const user = users.find((u) => u.login === login);
      if (user === undefined || user.password !== (form.get('password') ?? '')) {
        send(res, 401, loginPage({ action, clientId, login, error: 'Invalid username or password.' }));
      } else {
        await provider.interactionFinished(req, res, { login: { accountId: user.login } }, { mergeWithLastSubmission: false });
      }
    }
  } catch (error) {
    // Usually an expired interaction or a missing interaction cookie: show it, do not log a stack.
    const described = (error as { error_description?: unknown }).error_description;
    const message = typeof described === 'string' ? described : error instanceof Error ? error.message : String(error);
    if (!res.headersSent) send(res, 400, errorPage({ error: 'interaction_failed', error_description: message }));
  }
  return true;
}

/** A consent prompt only appears when `prompt=consent` was asked for; grant what was requested. */
async function finishConsent(
  provider: Provider,
  interaction: Interaction,
  res: ServerResponse,
  req: IncomingMessage,
): Promise<void> {
  const accountId = interaction.session?.accountId;
  const clientId = String(interaction.params['client_id'] ?? '');
  const existing = interaction.grantId === undefined ? undefined : await provider.Grant.find(interaction.grantId);
  const grant = existing ?? new provider.Grant({ accountId, clientId });
  const details = interaction.prompt.details;
  const scopes = asStrings(details['missingOIDCScope']);
  if (scopes.length > 0) grant.addOIDCScope(scopes.join(' '));
  const claims = asStrings(details['missingOIDCClaims']);
  if (claims.length > 0) grant.addOIDCClaims(claims);
  const resourceScopes = details['missingResourceScopes'];
  if (resourceScopes !== null && typeof resourceScopes === 'object') {
    for (const [resource, scope] of Object.entries(resourceScopes)) {
      grant.addResourceScope(resource, asStrings(scope).join(' '));
    }
  }
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) throw new Error('form too large');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    // The pages are self-contained: forbid any load from elsewhere. No form-action: Chromium
    // applies it to the redirects that follow the login POST, which leave for the RP.
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
  });
  res.end(html);
}
