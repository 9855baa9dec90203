import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { escapeHtml } from '../support/escape-html.ts';

/** Options of {@link startEchoApp}. */
export interface StartEchoAppOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
}

/** A running echo app. */
export interface EchoApp {
  port: number;
  /**
   * `METHOD url` of every request received so far, oldest first (the latest 1000), so a test can
   * prove that a refused request never reached the app.
   */
  requests(): readonly string[];
  close(): Promise<void>;
}

/** What the echo app answers to `Accept: application/json`. */
export interface EchoResponse {
  method: string;
  url: string;
  /** The request headers as received, names lower-cased. */
  headers: IncomingHttpHeaders;
}

const MAX_REMEMBERED = 1000;

const SHOWN_HEADERS = [
  'x-auth-request-user',
  'x-auth-request-email',
  'x-auth-request-groups',
  'x-auth-request-preferred-username',
  'authorization',
];

/**
 * Starts the demo app that sits behind the auth proxy. It answers every path and shows what
 * identity headers reached it: as JSON for `Accept: application/json`, as HTML otherwise.
 */
export async function startEchoApp(options: StartEchoAppOptions = {}): Promise<EchoApp> {
  // Like a real app behind ingress-nginx, accept the 4 × 8 KiB of headers nginx may forward.
  const seen: string[] = [];
  const server = createServer({ maxHeaderSize: 64 * 1024 }, (req, res) => {
    seen.push(`${req.method ?? ''} ${req.url ?? ''}`);
    if (seen.length > MAX_REMEMBERED) seen.shift();
    handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('echo app has no port');
  return {
    port: address.port,
    requests: () => [...seen],
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  // The body is not echoed; drain it so that keep-alive connections from nginx stay usable.
  req.resume();
  const echo: EchoResponse = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers };
  if ((req.headers.accept ?? '').includes('application/json')) {
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(echo));
    return;
  }
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
  });
  res.end(renderPage(echo));
}

function renderPage(echo: EchoResponse): string {
  const user = headerText(echo.headers['x-auth-request-user']);
  // A header that did not arrive (or arrived empty) is left out, not shown as an empty row.
  const rows = SHOWN_HEADERS.filter((name) => headerText(echo.headers[name]) !== '')
    .map((name) => `<tr><th>${escapeHtml(name)}</th><td><code>${escapeHtml(headerText(echo.headers[name]))}</code></td></tr>`)
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Echo app</title>
<style>body{font-family:system-ui,sans-serif;margin:40px}th{text-align:left;padding-right:16px}td code{word-break:break-all}</style>
</head>
<body>
<h1>Signed in as <span id="user">${escapeHtml(user === '' ? '(nobody)' : user)}</span></h1>
<p>Request: <code id="request">${escapeHtml(`${echo.method} ${echo.url}`)}</code></p>
<table id="auth-headers">
${rows}
</table>
<p><a id="sign-out" href="/oauth2/sign_out">Sign out</a></p>
</body>
</html>`;
}

function headerText(value: string | string[] | undefined): string {
  if (value === undefined) return '';
  return Array.isArray(value) ? value.join(', ') : value;
}
