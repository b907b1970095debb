/** The API reference as one server-rendered page (no script, no CDN). */
import { html, raw, type SafeHtml } from '../html.js';

type JsonObject = Record<string, unknown>;

const CSS = `body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem;color:#1a1a1a}
h2{border-bottom:1px solid #ccc;margin-top:2rem}.op{border:1px solid #ddd;border-radius:6px;margin:1rem 0;padding:.5rem 1rem}
.m{display:inline-block;min-width:4.5rem;font:bold 14px monospace;text-transform:uppercase}.get{color:#05668d}.post{color:#2a7a2a}
.put,.patch{color:#8a5a00}.delete{color:#a4161a}code,pre{font-family:ui-monospace,monospace;font-size:14px}
pre{background:#f6f6f6;padding:.5rem;overflow:auto;max-height:30rem}.auth{color:#555;font-size:14px}`;

export function renderDocsPage(doc: JsonObject): string {
  const info = doc.info as { title: string; description: string; version: string };
  const paths = doc.paths as Record<string, Record<string, JsonObject>>;
  const byTag = new Map<string, SafeHtml[]>();
  for (const [path, methods] of Object.entries(paths)) {
    for (const [method, raw] of Object.entries(methods)) {
      const op = raw as JsonObject & { operationId: string; summary: string; description?: string };
      const tag = (op.tags as string[])[0] ?? 'Other';
      const security = op.security as JsonObject[] | undefined;
      const auth = !security
        ? 'Public'
        : security.some((s) => 'bearer' in s)
          ? 'API token or studio session'
          : 'Studio session';
      const body = op.requestBody as { content: Record<string, { schema: unknown }> } | undefined;
      const responses = Object.entries(op.responses as Record<string, { description: string }>).map(
        ([status, r]) => html`<li><code>${status}</code> ${r.description}</li>`,
      );
      const bodyHtml = body
        ? Object.entries(body.content).map(
            ([type, c]) =>
              html`<details>
                <summary>Request body <code>${type}</code></summary>
                <pre>${JSON.stringify(c.schema, null, 2)}</pre>
              </details>`,
          )
        : null;
      const section = html`<section class="op" id="${op.operationId}">
        <h3><span class="m ${method}">${method}</span> <code>${path}</code></h3>
        <p>${op.summary}</p>
        ${op.description ? html`<p>${op.description}</p>` : null}
        <p class="auth">Access: ${auth}</p>
        ${bodyHtml}
        <ul>
          ${responses}
        </ul>
      </section>`;
      byTag.set(tag, [...(byTag.get(tag) ?? []), section]);
    }
  }
  const sections = [...byTag.entries()].map(
    ([tag, ops]) =>
      html`<h2 id="tag-${tag}">${tag}</h2>
        ${ops}`,
  );
  const nav = [...byTag.keys()].map((t) => html`<li><a href="#tag-${t}">${t}</a></li>`);
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <title>${info.title} — reference</title>
        <style>
          ${raw(CSS)}
        </style>
      </head>
      <body>
        <main>
          <h1>${info.title} <small>v${info.version}</small></h1>
          <p>${info.description}</p>
          <p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1).</p>
          <nav aria-label="Sections">
            <ul>
              ${nav}
            </ul>
          </nav>
          ${sections}
        </main>
      </body>
    </html>`.value;
}
