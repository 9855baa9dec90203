/** The small HTML pages gatehouse shows people. Every dynamic value goes through escapeHtml. */

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

/** A complete, self-contained page: no scripts, no external resources. */
export function renderPage(title: string, paragraphs: readonly string[], requestId?: string): string {
  const body = paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n');
  const footer = requestId ? `<p class="id">Request ID: ${escapeHtml(requestId)}</p>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}
h1{font-size:1.4rem}.id{color:#777;font-size:.85rem}a{color:#0645ad}</style></head>
<body><h1>${escapeHtml(title)}</h1>
${body}
<p><a href="/">Back to the start page</a></p>
${footer}
</body></html>
`;
}
