/** What every studio page shares: the layout around a page, a labelled field and a list table. */
import {
  attributes,
  html,
  jsonForScript,
  type Attributes,
  type SafeHtml,
} from '../../src/http/html.js';
import type { Lang } from '../../src/http/i18n/lang.js';
import type { StudioStrings } from '../../src/http/i18n/studio.js';

export interface PageContext {
  readonly lang: Lang;
  readonly t: StudioStrings;
  readonly user: { readonly name: string; readonly role: string } | null;
  readonly csrfToken: string | null;
  readonly assets: { readonly js: string; readonly css: string };
  /** Path of this page, for the language switch. */
  readonly path: string;
}

export function layout(ctx: PageContext, page: string, title: string, body: SafeHtml): SafeHtml {
  const { t } = ctx;
  const other = ctx.lang === 'fr' ? 'en' : 'fr';
  const admin = ctx.user?.role === 'admin';
  const nav = ctx.user
    ? html`<nav aria-label="${t.studio}"><ul>
<li><a href="/studio/shows">${t.shows}</a></li>
${admin ? html`<li><a href="/studio/users">${t.users}</a></li><li><a href="/studio/tokens">${t.tokens}</a></li><li><a href="/studio/queues">${t.queues}</a></li>` : ''}
<li><a href="/api/docs">${t.apiDocs}</a></li>
<li><a href="/studio/account">${t.myAccount}</a></li>
<li><button type="button" id="sign-out">${t.signOut}</button> <span class="who">${ctx.user.name}</span></li>
</ul></nav>`
    : '';
  return html`<!doctype html>
<html lang="${ctx.lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title} · ${t.studio}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${ctx.assets.css}">
${ctx.csrfToken ? html`<meta name="csrf-token" content="${ctx.csrfToken}">` : ''}
<script type="application/json" id="strings">${jsonForScript(t)}</script>
<script src="${ctx.assets.js}" defer></script>
</head><body data-page="${page}">
<a class="skip" href="#main">${t.skip}</a>
<header><a class="brand" href="/studio">${t.studio}</a>${nav}
<a class="lang" hreflang="${other}" lang="${other}" href="/studio/lang/${other}?next=${encodeURIComponent(ctx.path)}">${t.language}</a></header>
<main id="main" tabindex="-1"><h1>${title}</h1>
${body}
</main></body></html>`;
}

export interface FieldOptions {
  /** An input type, or "textarea", "select" (with `options`) or "checkbox" (with `checked`). */
  readonly type?: string;
  readonly required?: boolean;
  readonly value?: string | number | null | undefined;
  readonly hint?: string;
  /** More attributes of the control (pattern, accept, autocomplete…). */
  readonly attrs?: Attributes;
  readonly options?: readonly { readonly value: string; readonly label: string }[];
  readonly checked?: boolean;
  /** Element id, where two forms on a page have a field of the same name. */
  readonly id?: string;
}

/** A labelled control with its hint and its error slot (filled from a problem's `errors`). */
export function field(name: string, label: string, opts: FieldOptions = {}): SafeHtml {
  const id = opts.id ?? `f-${name.replace(/\./g, '-')}`;
  const hint = opts.hint ? html`<p class="hint" id="${id}-hint">${opts.hint}</p>` : '';
  const common = attributes({
    id,
    name,
    'aria-describedby': opts.hint ? `${id}-error ${id}-hint` : `${id}-error`,
    required: opts.required ?? false,
    ...opts.attrs,
  });
  const error = html`<p class="error" id="${id}-error" data-error-for="${name}" role="alert"></p>`;
  if (opts.type === 'checkbox') {
    return html`<div class="field check"><input type="checkbox"${common}${opts.checked ? html` checked` : ''}><label for="${id}">${label}</label>${hint}${error}</div>`;
  }
  let input: SafeHtml;
  if (opts.type === 'textarea') input = html`<textarea${common} rows="4">${opts.value}</textarea>`;
  else if (opts.type === 'select') {
    const current = String(opts.value ?? '');
    input = html`<select${common}>${(opts.options ?? []).map(
      (o) =>
        html`<option value="${o.value}"${o.value === current ? html` selected` : ''}>${o.label}</option>`,
    )}</select>`;
  } else input = html`<input${common} type="${opts.type ?? 'text'}" value="${opts.value}">`;
  return html`<div class="field"><label for="${id}">${label}</label>${hint}${input}${error}</div>`;
}

/**
 * Items as a table, one row each under column headings. With `empty`, a list with
 * no items is that sentence instead of an empty table.
 */
export function listTable<T>(list: {
  readonly headings: readonly string[];
  readonly items: readonly T[];
  readonly row: (item: T) => SafeHtml;
  readonly empty?: string;
  readonly id?: string;
  /** The id of the heading that names the table. */
  readonly labelledBy?: string;
}): SafeHtml {
  if (list.items.length === 0 && list.empty !== undefined) return html`<p>${list.empty}</p>`;
  return html`<table${attributes({ id: list.id, 'aria-labelledby': list.labelledBy })}><thead><tr>${list.headings.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead><tbody>
${list.items.map(list.row)}</tbody></table>`;
}
