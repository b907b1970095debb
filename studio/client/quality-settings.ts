/** A show's quality thresholds: sent as the differences from the defaults; problems next to their fields. */
import { $, api, onSubmit, settle, showProblem, t } from './forms.js';
import { qualityBody } from './quality-settings-body.js';

onSubmit($<HTMLFormElement>('#quality-settings-form'), async (form) => {
  const status = $('#quality-settings-status')!;
  status.textContent = '';
  const inputs = Array.from(form.querySelectorAll<HTMLInputElement>('input[type="number"]'));
  const selects = Array.from(form.querySelectorAll<HTMLSelectElement>('select'));
  const built = qualityBody(
    inputs.map((i) => ({
      name: i.name,
      value: i.value,
      badInput: i.validity.badInput,
      fallback: Number(i.dataset.default),
    })),
    selects.map((s) => ({
      code: s.name.replace(/^severities\./, ''),
      value: s.value,
      fallback: s.dataset.default ?? '',
    })),
  );
  if (!built.ok)
    return showProblem(form, {
      errors: built.fields.map((field) => ({ field, message: t.notANumber! })),
    });
  const res = await api(
    'PUT',
    `/api/shows/${encodeURIComponent(form.dataset.show ?? '')}/quality`,
    built.body,
  );
  settle(form, res, status, t.qualitySaved!);
});
