/** "My account": change my password, sign out everywhere. */
import { $, api, clearErrors, onSubmit, secret, showProblem, t, type Problem } from './forms.js';
import { MIN_PASSWORD_LENGTH } from '../../src/core/passwords.js';

onSubmit($<HTMLFormElement>('#password-form'), async (form) => {
  const status = $('#password-status')!;
  status.textContent = '';
  const currentPassword = secret(form, 'currentPassword');
  const newPassword = secret(form, 'newPassword');
  const fieldProblem = (field: string, message: string) =>
    showProblem(form, { errors: [{ field, message }] });
  if (newPassword.length < MIN_PASSWORD_LENGTH)
    return fieldProblem('newPassword', t.passwordTooShort!);
  if (newPassword !== secret(form, 'confirmPassword'))
    return fieldProblem('confirmPassword', t.passwordsDiffer!);
  const res = await api('PUT', '/api/session/password', { currentPassword, newPassword });
  if (!res.ok) {
    const problem = res.data as Problem;
    return problem?.type === '/problems/wrong-password'
      ? fieldProblem('currentPassword', t.wrongCurrentPassword!)
      : showProblem(form, problem);
  }
  clearErrors(form);
  form.reset();
  status.textContent = t.passwordChanged!;
});

$('#sign-out-everywhere')?.addEventListener('click', () => {
  const error = $('#sign-out-everywhere-error')!;
  error.textContent = '';
  void api('POST', '/api/session/sign-out-everywhere').then((res) => {
    if (res.ok) return location.assign('/studio/login');
    const problem = res.data as Problem;
    error.textContent = [problem?.title, problem?.detail].filter(Boolean).join(' — ');
  });
});
