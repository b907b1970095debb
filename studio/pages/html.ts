/** What every studio page shares: escaping, the layout around a page, a labelled field. */
import escapeHtml from 'escape-html';
import type { Strings, StudioLang } from '../i18n.js';

/** Escapes text for HTML; null and undefined become empty. */
export const e = (v: string | number | null | undefined) =>
  escapeHtml(v === null || v === undefined ? '' : String(v));

export interface PageContext {
  readonly lang: StudioLang;
  readonly t: Strings;
  readonly user: { readonly name: string; readonly role: string } | null;
  readonly csrfToken: string | null;
  readonly assets: { readonly js: string; readonly css: string };
  /** Path of this page, for the language switch. */
  readonly path: string;
}

export function layout(ctx: PageContext, page: string, title: string, body: string): string {
  const { t } = ctx;
  const other = ctx.lang === 'fr' ? 'en' : 'fr';
  const nav = ctx.user
    ? `<nav aria-label="${e(t.studio)}"><ul>
<li><a href="/studio/shows">${e(t.shows)}</a></li>
${ctx.user.role === 'admin' ? `<li><a href="/studio/users">${e(t.users)}</a></li><li><a href="/studio/tokens">${e(t.tokens)}</a></li><li><a href="/studio/queues">${e(t.queues)}</a></li>` : ''}
<li><a href="/api/docs">${e(t.apiDocs)}</a></li>
<li><a href="/studio/account">${e(t.myAccount)}</a></li>
<li><button type="button" id="sign-out">${e(t.signOut)}</button> <span class="who">${e(ctx.user.name)}</span></li>
</ul></nav>`
    : '';
  return `<!doctype html>
<html lang="${ctx.lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${e(title)} · ${e(t.studio)}</title>
<link rel="stylesheet" href="${e(ctx.assets.css)}">
${ctx.csrfToken ? `<meta name="csrf-token" content="${e(ctx.csrfToken)}">` : ''}
<script type="application/json" id="strings">${JSON.stringify(t).replace(/</g, '\\u003c')}</script>
<script src="${e(ctx.assets.js)}" defer></script>
</head><body data-page="${e(page)}">
<a class="skip" href="#main">${e(t.skip)}</a>
<header><a class="brand" href="/studio">${e(t.studio)}</a>${nav}
<a class="lang" hreflang="${other}" lang="${other}" href="/studio/lang/${other}?next=${encodeURIComponent(ctx.path)}">${e(t.language)}</a></header>
<main id="main" tabindex="-1"><h1>${e(title)}</h1>
${body}
</main></body></html>`;
}

export interface FieldOptions {
  /** An input type, or "textarea", "select" (with `options`) or "checkbox" (with `checked`). */
  readonly type?: string;
  readonly required?: boolean;
  readonly value?: string | number | null;
  readonly hint?: string;
  readonly attrs?: string;
  readonly options?: readonly { readonly value: string; readonly label: string }[];
  readonly checked?: boolean;
  /** Element id, where two forms on a page have a field of the same name. */
  readonly id?: string;
}

/** A labelled control with its hint and its error slot (filled from a problem's `errors`). */
export const field = (name: string, label: string, opts: FieldOptions = {}) => {
  const id = opts.id ?? `f-${name.replace(/\./g, '-')}`;
  const hint = opts.hint ? `<p class="hint" id="${id}-hint">${e(opts.hint)}</p>` : '';
  const common = `id="${id}" name="${e(name)}" aria-describedby="${id}-error${opts.hint ? ` ${id}-hint` : ''}" ${opts.required ? 'required' : ''} ${opts.attrs ?? ''}`;
  const error = `<p class="error" id="${id}-error" data-error-for="${e(name)}" role="alert"></p>`;
  if (opts.type === 'checkbox') {
    return `<div class="field check"><input type="checkbox" ${common} ${opts.checked ? 'checked' : ''}><label for="${id}">${e(label)}</label>${hint}${error}</div>`;
  }
  let input: string;
  if (opts.type === 'textarea') input = `<textarea ${common} rows="4">${e(opts.value)}</textarea>`;
  else if (opts.type === 'select')
    input = `<select ${common}>${(opts.options ?? [])
      .map(
        (o) =>
          `<option value="${e(o.value)}"${o.value === String(opts.value ?? '') ? ' selected' : ''}>${e(o.label)}</option>`,
      )
      .join('')}</select>`;
  else input = `<input ${common} type="${opts.type ?? 'text'}" value="${e(opts.value)}">`;
  return `<div class="field"><label for="${id}">${e(label)}</label>${hint}${input}${error}</div>`;
};
