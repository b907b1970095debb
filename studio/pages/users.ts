/** Accounts, for administrators; and every user's own account page. */
import { html, type SafeHtml } from '../../src/http/html.js';
import { fill } from '../../src/http/i18n/lang.js';
import { field, layout, type PageContext } from './layout.js';

export interface UserRow {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role: 'admin' | 'editor';
  readonly disabled: boolean;
  readonly createdAt: string;
  readonly activeSessions: number;
  readonly liveApiTokens: number;
}

export function usersPage(ctx: PageContext, users: readonly UserRow[], selfId: string): SafeHtml {
  const { t } = ctx;
  const roles = [
    { value: 'editor', label: t.role_editor },
    { value: 'admin', label: t.role_admin },
  ];
  // Every control names the person it acts on; two people of the same name are told
  // apart by their e-mail, so no two controls on the page sound the same.
  const seen = new Map<string, number>();
  for (const u of users) seen.set(u.name, (seen.get(u.name) ?? 0) + 1);
  const who = (u: UserRow) => ((seen.get(u.name) ?? 0) > 1 ? `${u.name} (${u.email})` : u.name);

  const rows = users.map((u) => {
    const name = who(u);
    const named = (action: string) => html`aria-label="${action} — ${name}"`;
    return html`<li class="user" id="user-${u.id}" data-user-id="${u.id}" data-user-name="${name}" data-live-tokens="${u.liveApiTokens}">
<h2>${u.name}${u.id === selfId ? html` <small>(${t.you})</small>` : ''}</h2>
<p class="user-facts"><span>${u.email}</span> · <span class="user-role">${u.role === 'admin' ? t.role_admin : t.role_editor}</span> · <span class="user-state${u.disabled ? ' state-failed' : ''}">${u.disabled ? t.stateDisabled : t.stateActive}</span> · <span>${fill(t.openSessions, { n: u.activeSessions })}</span>${u.liveApiTokens ? html` · <span>${fill(t.liveTokens, { n: u.liveApiTokens })}</span>` : ''} · <span>${t.created} <time datetime="${u.createdAt}" data-local>${u.createdAt}</time></span></p>
<form class="user-role-form" novalidate>
${field('role', fill(t.roleOf, { name }), { type: 'select', options: roles, value: u.role, id: `role-${u.id}` })}
<p class="error form-error" role="alert" data-error-for="(form)"></p>
<button type="submit" ${named(t.changeRole)}>${t.changeRole}</button></form>
<form class="user-password-form" novalidate>
${field('password', fill(t.newPasswordFor, { name }), { type: 'password', required: true, hint: t.passwordRule, id: `password-${u.id}`, attrs: { autocomplete: 'new-password', minlength: '12' } })}
<p class="error form-error" role="alert" data-error-for="(form)"></p>
<button type="submit" ${named(t.setPassword)}>${t.setPassword}</button>
<p class="status" role="status"></p></form>
<div class="user-actions">
<button type="button" class="toggle-disabled" data-disabled="${String(u.disabled)}" ${named(u.disabled ? t.enable : t.disable)}>${u.disabled ? t.enable : t.disable}</button>
<button type="button" class="end-sessions" ${named(t.endSessions)}>${t.endSessions}</button>
<button type="button" class="delete-user" ${named(t.deleteUser)}>${t.deleteUser}</button>
<p class="error form-error" role="alert" data-error-for="(form)"></p>
</div></li>`;
  });

  return layout(
    ctx,
    'users',
    t.users,
    html`<p class="hint">${t.usersHint}</p>
<ul class="users">${rows}</ul>
<dialog id="delete-dialog" aria-labelledby="delete-dialog-title" aria-describedby="delete-dialog-text">
<form id="delete-form" method="dialog" novalidate>
<h2 id="delete-dialog-title">${t.deleteTitle}</h2>
<p id="delete-dialog-text"></p>
<div class="field check" id="delete-tokens" hidden><input type="checkbox" id="delete-revoke" name="revokeTokens"><label for="delete-revoke" id="delete-revoke-label"></label></div>
<p class="error form-error" role="alert" data-error-for="(form)"></p>
<button type="submit" id="delete-confirm">${t.confirmDelete}</button>
<button type="button" id="delete-cancel">${t.cancel}</button>
</form></dialog>
<h2>${t.createUser}</h2>
<form id="user-form" novalidate>
${field('email', t.email, { type: 'email', required: true, id: 'new-user-email', attrs: { autocomplete: 'off' } })}
${field('name', t.name, { required: true, id: 'new-user-name', attrs: { autocomplete: 'off' } })}
${field('role', t.role, { type: 'select', options: roles, value: 'editor', id: 'new-user-role' })}
${field('password', t.password, { type: 'password', required: true, hint: t.passwordRule, id: 'new-user-password', attrs: { autocomplete: 'new-password', minlength: '12' } })}
<p class="error form-error" role="alert" data-error-for="(form)"></p>
<button type="submit">${t.createUserButton}</button></form>`,
  );
}

export function accountPage(
  ctx: PageContext,
  user: { readonly name: string; readonly email: string; readonly role: string },
): SafeHtml {
  const { t } = ctx;
  return layout(
    ctx,
    'account',
    t.myAccount,
    html`<dl class="account-facts"><dt>${t.name}</dt><dd>${user.name}</dd><dt>${t.email}</dt><dd id="account-email">${user.email}</dd><dt>${t.role}</dt><dd>${user.role === 'admin' ? t.role_admin : t.role_editor}</dd></dl>
<h2>${t.changePassword}</h2>
<form id="password-form" novalidate>
${field('currentPassword', t.currentPassword, { type: 'password', required: true, attrs: { autocomplete: 'current-password' } })}
${field('newPassword', t.newPassword, { type: 'password', required: true, hint: t.passwordRule, attrs: { autocomplete: 'new-password', minlength: '12' } })}
${field('confirmPassword', t.confirmPassword, { type: 'password', required: true, attrs: { autocomplete: 'new-password' } })}
<p class="error form-error" role="alert" data-error-for="(form)"></p>
<button type="submit">${t.changePassword}</button>
<p class="status" id="password-status" role="status"></p></form>
<h2>${t.signOutEverywhere}</h2>
<p id="sign-out-everywhere-text">${t.signOutEverywhereText}</p>
<button type="button" id="sign-out-everywhere" aria-describedby="sign-out-everywhere-text">${t.signOutEverywhere}</button>
<p class="error" id="sign-out-everywhere-error" role="alert"></p>`,
  );
}
