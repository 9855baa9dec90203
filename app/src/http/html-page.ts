/**
 * The small HTML pages gatehouse shows people. They share one look, one Content-Security-Policy
 * (no scripts, nothing loaded, no forms, no framing; the only style is the inline one below, allowed
 * by its hash rather than by 'unsafe-inline') and one set of security headers. Every dynamic value
 * goes through escapeHtml.
 */
import { createHash } from 'node:crypto';

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (ch) => ESCAPES[ch] ?? ch);
}

// The request id's grey is #595959 (7:1 on white), the link blue 8.6:1: WCAG AA for small text.
const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222;background:#fff}' +
  'h1{font-size:1.4rem}.id{color:#595959;font-size:.85rem}a{color:#0645ad}ul{padding-left:1.2rem}' +
  '.links a{margin-right:1.5rem}';

/** The Content-Security-Policy of every page: the inline style by hash, nothing else at all. */
export const PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The security headers of everything gatehouse serves itself: never cached (the pages are per
 * user), never framed (X-Frame-Options for browsers older than frame-ancestors), never sniffed as
 * another type, and no Referer to where a link leads.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Cache-Control': 'no-store',
  'Content-Security-Policy': PAGE_CSP,
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
});

/** The response headers of a page, as a flat name/value list for writeHead. */
export const PAGE_HEADERS: readonly string[] = Object.freeze([
  'Content-Type', 'text/html; charset=utf-8',
  ...Object.entries(SECURITY_HEADERS).flat(),
]);

/** A link on a page; `id` lets tests and screenshots find it. */
export interface PageLink {
  readonly text: string;
  readonly href: string;
  readonly id?: string;
}

/** The parts of a page; `body` is HTML the caller has already escaped. */
export interface PageParts {
  readonly title: string;
  readonly body: string;
  readonly links?: readonly PageLink[];
  readonly requestId?: string | undefined;
}

/** One paragraph of plain text. */
export function paragraph(text: string): string {
  return `<p>${escapeHtml(text)}</p>`;
}

function renderLinks(links: readonly PageLink[]): string {
  if (links.length === 0) return '';
  const items = links.map((l) => `<a${l.id ? ` id="${escapeHtml(l.id)}"` : ''} href="${escapeHtml(l.href)}">${escapeHtml(l.text)}</a>`);
  return `<p class="links">${items.join('\n')}</p>\n`;
}

/** A complete, self-contained document: one main landmark, a heading, the body, links, the request id. */
export function renderDocument(parts: PageParts): string {
  const footer = parts.requestId ? `<p class="id">Request ID: <span id="request-id">${escapeHtml(parts.requestId)}</span></p>\n` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escapeHtml(parts.title)} · gatehouse</title>
<style>${STYLE}</style></head>
<body><main>
<h1>${escapeHtml(parts.title)}</h1>
${parts.body}
${renderLinks(parts.links ?? [])}${footer}</main></body></html>
`;
}

/**
 * A page of plain-text paragraphs; without links of its own it offers the way back to the start page.
 * @param links - shown instead of "Back to the start page"
 */
export function renderPage(title: string, paragraphs: readonly string[], requestId?: string, links?: readonly PageLink[]): string {
  return renderDocument({
    title,
    body: paragraphs.map(paragraph).join('\n'),
    links: links ?? [{ text: 'Back to the start page', href: '/' }],
    requestId,
  });
}
