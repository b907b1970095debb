/** Sign in, sign out, and API tokens (administrators). */
import {
  $,
  api,
  clearErrors,
  onSubmit,
  secret,
  showProblem,
  t,
  value,
  type Problem,
} from './forms.js';

// Sign out (every signed-in page).
$('#sign-out')?.addEventListener('click', () => {
  void api('DELETE', '/api/session').finally(() => location.assign('/studio/login'));
});

// Sign in.
onSubmit($<HTMLFormElement>('#login-form'), async (form) => {
  const res = await api('POST', '/api/session', {
    email: value(form, 'email'),
    password: secret(form, 'password'),
  });
  if (res.ok) return location.assign(form.dataset.next || '/studio/shows');
  const disabled = (res.data as Problem | null)?.type === '/problems/account-disabled';
  showProblem(
    form,
    res.data as Problem,
    res.status === 401 ? t.wrongPassword : disabled ? t.accountDisabledText : undefined,
  );
});

// API tokens (administrators).
onSubmit($<HTMLFormElement>('#token-form'), async (form) => {
  const res = await api('POST', '/api/tokens', { name: value(form, 'name') });
  if (!res.ok) return showProblem(form, res.data as Problem);
  clearErrors(form);
  const box = $('#new-token')!;
  box.hidden = false;
  const out = $<HTMLInputElement>('#token-value')!;
  out.value = (res.data as { token: string }).token;
  out.focus();
  out.select();
});
document.querySelectorAll<HTMLButtonElement>('button.revoke').forEach((button) => {
  button.addEventListener('click', () => {
    void api('DELETE', `/api/tokens/${button.dataset.id}`).then(() => location.reload());
  });
});
