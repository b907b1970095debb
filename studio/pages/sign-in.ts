/** Sign-in, refusal and not-found pages. */
import { html, type SafeHtml } from '../../src/http/html.js';
import { field, layout, type PageContext } from './layout.js';

/** `expired`: the visitor was signed in and the session ran out; say so. */
export function loginPage(ctx: PageContext, next: string, expired = false): SafeHtml {
  const { t } = ctx;
  return layout(
    ctx,
    'login',
    t.signIn,
    html`${expired ? html`<p class="notice" id="session-expired" role="status">${t.sessionExpired}</p>` : ''}
<form id="login-form" data-next="${next}" novalidate>
${field('email', t.email, { type: 'email', required: true, attrs: { autocomplete: 'username' } })}
${field('password', t.password, { type: 'password', required: true, attrs: { autocomplete: 'current-password' } })}
<p class="error form-error" role="alert" data-error-for="(form)"></p>
<button type="submit">${t.signIn}</button></form>`,
  );
}

export function forbiddenPage(ctx: PageContext): SafeHtml {
  return layout(ctx, 'forbidden', ctx.t.forbidden, html`<p>${ctx.t.forbiddenText}</p>`);
}

export function notFoundPage(ctx: PageContext): SafeHtml {
  const { t } = ctx;
  return layout(
    ctx,
    'not-found',
    t.notFound,
    html`<p>${t.notFoundText}</p><p><a href="/studio/shows">${t.shows}</a></p>`,
  );
}
