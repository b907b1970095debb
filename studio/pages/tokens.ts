/** API tokens, for administrators. */
import { html, type SafeHtml } from '../../src/http/html.js';
import { fill } from '../../src/http/i18n/lang.js';
import { field, layout, listTable, type PageContext } from './layout.js';

export interface TokenRow {
  readonly id: string;
  readonly name: string;
  readonly prefix: string;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly revokedAt: string | null;
}

export function tokensPage(ctx: PageContext, tokens: readonly TokenRow[]): SafeHtml {
  const { t } = ctx;
  const time = (iso: string) => html`<time datetime="${iso}" data-local>${iso}</time>`;
  const table = listTable({
    headings: [t.name, t.prefix, t.created, t.lastUsed, t.actions],
    items: tokens,
    // Dates in the editor's time zone and language (client/local-times.ts); the
    // revoke buttons name the token, its prefix telling two of the same name apart.
    row: (k) =>
      html`<tr><td>${k.name}</td><td><code>${k.prefix}…</code></td><td>${time(k.createdAt)}</td><td>${k.lastUsedAt ? time(k.lastUsedAt) : t.never}</td><td>${
        k.revokedAt
          ? t.revoked
          : html`<button type="button" class="revoke" data-id="${k.id}" aria-label="${fill(t.revokeNamed, { name: k.name, prefix: k.prefix })}">${t.revoke}</button>`
      }</td></tr>`,
  });
  return layout(
    ctx,
    'tokens',
    t.tokens,
    html`${table}
<h2>${t.createToken}</h2>
<form id="token-form" novalidate>${field('name', t.tokenName, { required: true })}
<p class="error form-error" role="alert" data-error-for="(form)"></p>
<button type="submit">${t.createToken}</button></form>
<div id="new-token" hidden role="status"><p>${t.tokenOnce}</p><label for="token-value">${t.token}</label><input id="token-value" readonly></div>`,
  );
}
