/** Times are rendered in UTC by the server; show them in the editor's own time zone and language. */
const format = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
  dateStyle: 'medium',
  timeStyle: 'short',
});
document.querySelectorAll<HTMLTimeElement>('time[data-local]').forEach((el) => {
  const at = new Date(el.dateTime);
  if (!Number.isNaN(at.getTime())) {
    el.title = el.dateTime;
    el.textContent = format.format(at);
  }
});
