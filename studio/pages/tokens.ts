/** API tokens, for administrators. */
import { e, field, layout, type PageContext } from './html.js';

export interface TokenRow {
  readonly id: string;
  readonly name: string;
  readonly prefix: string;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly revokedAt: string | null;
}

export function tokensPage(ctx: PageContext, tokens: readonly TokenRow[]): string {
  const { t } = ctx;
  const rows = tokens
    .map(
      (k) =>
        `<tr><td>${e(k.name)}</td><td><code>${e(k.prefix)}…</code></td><td>${e(k.createdAt)}</td><td>${e(k.lastUsedAt ?? t.never)}</td><td>${
          k.revokedAt
            ? e(t.revoked)
            : `<button type="button" class="revoke" data-id="${e(k.id)}" aria-label="${e(`${t.revoke} ${k.name}`)}">${e(t.revoke)}</button>`
        }</td></tr>`,
    )
    .join('\n');
  return layout(
    ctx,
    'tokens',
    t.tokens,
    `<table><thead><tr><th scope="col">${e(t.title)}</th><th scope="col">${e(t.prefix)}</th><th scope="col">${e(t.created)}</th><th scope="col">${e(t.lastUsed)}</th><th scope="col"></th></tr></thead><tbody>${rows}</tbody></table>
<h2>${e(t.createToken)}</h2>
<form id="token-form" novalidate>${field('name', t.tokenName, { required: true })}
<p class="error form-error" role="alert" data-error-for="(form)"></p>
<button type="submit">${e(t.createToken)}</button></form>
<div id="new-token" hidden role="status"><p>${e(t.tokenOnce)}</p><label for="token-value">Token</label><input id="token-value" readonly></div>`,
  );
}
