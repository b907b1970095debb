/**
 * Times are rendered by the server as instants; show them in the editor's own time
 * zone and language, fill the date-time inputs the same way, and say which zone.
 */
import { $, t } from './forms.js';
import { setInstant, timeZone } from './instants.js';

const format = new Intl.DateTimeFormat(document.documentElement.lang === 'fr' ? 'fr-FR' : 'en-GB', {
  dateStyle: 'short',
  timeStyle: 'short',
});
document.querySelectorAll<HTMLTimeElement>('time[data-local]').forEach((el) => {
  const at = new Date(el.dateTime);
  if (!Number.isNaN(at.getTime())) {
    el.title = el.dateTime;
    el.textContent = format.format(at);
  }
});
document.querySelectorAll<HTMLInputElement>('input[data-instant]').forEach((input) => {
  setInstant(input, input.dataset.instant);
});
document.querySelectorAll<HTMLInputElement>('input[data-zone-hint]').forEach((input) => {
  const hint = $(`#${CSS.escape(input.id)}-hint`);
  if (hint) hint.textContent = `${t.localTime} (${timeZone()})`;
});
