/**
 * The administrators' users page: each person's role, a new password, disable or
 * enable, sign out everywhere, delete (after a confirmation); and new accounts.
 */
import {
  $,
  api,
  clearErrors,
  fill,
  onSubmit,
  secret,
  showProblem,
  t,
  value,
  type Problem,
} from './forms.js';
import { MIN_PASSWORD_LENGTH } from '../../src/core/passwords.js';

/** The studio's own sentence for the refusals it knows, in the editor's language. */
const sentenceFor = (problem: unknown): string | undefined =>
  (problem as Problem | null)?.type === '/problems/last-admin' ? t.lastAdmin : undefined;

const report = (where: HTMLElement, res: { data: unknown }) =>
  showProblem(where, res.data as Problem, sentenceFor(res.data));

const tooShort = (form: HTMLFormElement, field: string) =>
  showProblem(form, { errors: [{ field, message: t.passwordTooShort! }] });

document.querySelectorAll<HTMLElement>('li.user').forEach((row) => {
  const url = `/api/users/${encodeURIComponent(row.dataset.userId ?? '')}`;
  const name = row.dataset.userName ?? '';
  const actions = row.querySelector<HTMLElement>('.user-actions')!;

  onSubmit(row.querySelector<HTMLFormElement>('form.user-role-form'), async (form) => {
    const res = await api('PATCH', url, { role: value(form, 'role') });
    if (res.ok) return location.reload();
    report(form, res);
  });

  onSubmit(row.querySelector<HTMLFormElement>('form.user-password-form'), async (form) => {
    const status = form.querySelector<HTMLElement>('.status')!;
    status.textContent = '';
    const password = secret(form, 'password');
    if (password.length < MIN_PASSWORD_LENGTH) return tooShort(form, 'password');
    const res = await api('POST', `${url}/password`, { password });
    if (!res.ok) return report(form, res);
    clearErrors(form);
    form.reset();
    status.textContent = fill(t.passwordSet!, { name });
  });

  row
    .querySelector<HTMLButtonElement>('button.toggle-disabled')
    ?.addEventListener('click', (ev) => {
      const button = ev.currentTarget as HTMLButtonElement;
      button.disabled = true;
      void api('PATCH', url, { disabled: button.dataset.disabled !== 'true' })
        .then((res) => (res.ok ? location.reload() : report(actions, res)))
        .finally(() => (button.disabled = false));
    });

  row.querySelector<HTMLButtonElement>('button.end-sessions')?.addEventListener('click', () => {
    void api('DELETE', `${url}/sessions`).then((res) =>
      res.ok ? location.reload() : report(actions, res),
    );
  });

  row
    .querySelector<HTMLButtonElement>('button.delete-user')
    ?.addEventListener('click', () => confirmDelete(row, url, name));
});

/** Deleting cannot be undone: a dialog says what happens and asks once more. */
function confirmDelete(row: HTMLElement, url: string, name: string): void {
  const dialog = $<HTMLDialogElement>('#delete-dialog');
  const form = $<HTMLFormElement>('#delete-form');
  if (!dialog || !form) return;
  clearErrors(form);
  $('#delete-dialog-text')!.textContent = fill(t.deleteText!, { name });
  const tokens = Number(row.dataset.liveTokens ?? 0);
  const tokensField = $('#delete-tokens')!;
  const revoke = $<HTMLInputElement>('#delete-revoke')!;
  tokensField.hidden = tokens === 0;
  revoke.checked = false;
  $('#delete-revoke-label')!.textContent = fill(t.revokeTheirTokens!, { n: tokens });
  form.dataset.url = url;
  dialog.showModal();
  $<HTMLButtonElement>('#delete-cancel')?.focus();
}

onSubmit($<HTMLFormElement>('#delete-form'), async (form) => {
  const revoke = $<HTMLInputElement>('#delete-revoke')!;
  const res = await api(
    'DELETE',
    `${form.dataset.url ?? ''}?revokeTokens=${revoke.checked && !$('#delete-tokens')!.hidden}`,
  );
  if (res.ok) return location.reload();
  report(form, res);
});
$('#delete-cancel')?.addEventListener('click', () =>
  $<HTMLDialogElement>('#delete-dialog')?.close(),
);

// A new account.
onSubmit($<HTMLFormElement>('#user-form'), async (form) => {
  const password = secret(form, 'password');
  if (password.length < MIN_PASSWORD_LENGTH) return tooShort(form, 'password');
  const res = await api('POST', '/api/users', {
    email: value(form, 'email'),
    name: value(form, 'name'),
    role: value(form, 'role'),
    password,
  });
  if (res.ok) return location.reload();
  report(form, res);
});
