/**
 * Searchable selects (pages/choices.ts): the filter box appears, and typing in it
 * keeps the options whose name (or Apple's English name) holds every word typed,
 * accents and case aside. One match left is chosen at once; the count is announced.
 */
import { fill, t } from './forms.js';

const plain = (text: string) =>
  text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();

document.querySelectorAll<HTMLElement>('[data-choice]').forEach((box) => {
  const select = box.querySelector('select');
  const filter = box.querySelector<HTMLInputElement>('.choice-filter input');
  const matches = box.querySelector<HTMLElement>('.choice-filter [role="status"]');
  if (!select || !filter || !matches) return;
  filter.closest<HTMLElement>('.choice-filter')!.hidden = false;
  const options = Array.from(select.options).map((option) => ({
    option,
    words: plain(`${option.text} ${option.dataset.keywords ?? ''}`),
  }));
  filter.addEventListener('input', () => {
    const wanted = plain(filter.value).split(/\s+/).filter(Boolean);
    const shown = options.filter(({ option, words }) => {
      option.hidden = !wanted.every((w) => words.includes(w));
      return !option.hidden;
    });
    if (shown.length === 1) shown[0]!.option.selected = true;
    matches.textContent = wanted.length
      ? fill(matches.dataset.template ?? t.matches ?? '{n}', { n: shown.length })
      : '';
  });
  // Enter in the filter box chooses the first match instead of sending the form.
  filter.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    const first = options.find(({ option }) => !option.hidden);
    if (first) first.option.selected = true;
    select.focus();
  });
});
