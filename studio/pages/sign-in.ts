/** Sign-in, refusal and not-found pages. */
import { e, field, layout, type PageContext } from './html.js';

/** `expired`: the visitor was signed in and the session ran out; say so. */
export function loginPage(ctx: PageContext, next: string, expired = false): string {
  const { t } = ctx;
  return layout(
    ctx,
    'login',
    t.signIn,
    `${expired ? `<p class="notice" id="session-expired" role="status">${e(t.sessionExpired)}</p>` : ''}
<form id="login-form" data-next="${e(next)}" novalidate>
${field('email', t.email, { type: 'email', required: true, attrs: 'autocomplete="username"' })}
${field('password', t.password, { type: 'password', required: true, attrs: 'autocomplete="current-password"' })}
<p class="error form-error" role="alert" data-error-for="(form)"></p>
<button type="submit">${e(t.signIn)}</button></form>`,
  );
}

export function forbiddenPage(ctx: PageContext): string {
  return layout(ctx, 'forbidden', ctx.t.forbidden, `<p>${e(ctx.t.forbiddenText)}</p>`);
}

export function notFoundPage(ctx: PageContext): string {
  const { t } = ctx;
  return layout(
    ctx,
    'not-found',
    t.notFound,
    `<p>${e(t.notFoundText)}</p><p><a href="/studio/shows">${e(t.shows)}</a></p>`,
  );
}
