/**
 * Choices instead of free text: a native select (a listbox, so the matches show at
 * once) with a filter box the studio script reveals and wires (client/choices.ts).
 * Apple's categories in the editor's language, languages by their names.
 */
import { attributes, html, type SafeHtml } from '../../src/http/html.js';
import { appleCategoryChoices } from '../../src/http/i18n/apple-categories.js';
import { fill, type Lang } from '../../src/http/i18n/lang.js';
import type { StudioStrings } from '../../src/http/i18n/studio.js';

export interface Choice {
  readonly value: string;
  readonly label: string;
  /** More data the script sends with the value (the Apple subcategory). */
  readonly data?: Readonly<Record<string, string>>;
  readonly selected?: boolean;
  /** Other words the filter matches (Apple's English names on a French page). */
  readonly keywords?: string;
}

export function searchableSelect(opts: {
  readonly t: StudioStrings;
  readonly name: string;
  readonly id: string;
  readonly label: string;
  readonly filterLabel: string;
  readonly choices: readonly Choice[];
  readonly required?: boolean;
  /** Other error slots the select stands for (subcategory next to category). */
  readonly alsoErrorsFor?: readonly string[];
}): SafeHtml {
  const { id, t } = opts;
  const options = opts.choices.map(
    (c) =>
      html`<option${attributes({
        value: c.value,
        selected: c.selected ?? false,
        'data-keywords': c.keywords,
        ...Object.fromEntries(Object.entries(c.data ?? {}).map(([k, v]) => [`data-${k}`, v])),
      })}>${c.label}</option>`,
  );
  const slots = [opts.name, ...(opts.alsoErrorsFor ?? [])].map(
    (n, i) =>
      html`<p class="error" id="${id}-error${i ? `-${i}` : ''}" data-error-for="${n}" role="alert"></p>`,
  );
  return html`<div class="field choice" data-choice="${id}"><label for="${id}">${opts.label}</label>
<div class="choice-filter" hidden><label for="${id}-filter">${opts.filterLabel}</label>
<input type="search" id="${id}-filter" aria-controls="${id}" aria-describedby="${id}-matches" autocomplete="off">
<p class="hint" id="${id}-matches" role="status" aria-live="polite" data-template="${t.matches}"></p></div>
<select${attributes({ id, name: opts.name, size: 6, required: opts.required ?? false, 'aria-describedby': `${id}-error` })}>${options}</select>
${slots}</div>`;
}

/** Apple's category and subcategory as one choice ("Actualités › Politique"). */
export function appleCategorySelect(
  t: StudioStrings,
  lang: Lang,
  current: { category: string; subcategory: string | null },
): SafeHtml {
  const choices: Choice[] = appleCategoryChoices(lang).map((c) => ({
    value: c.category,
    label: c.label,
    keywords: c.subcategory ? `${c.category} ${c.subcategory}` : c.category,
    ...(c.subcategory ? { data: { subcategory: c.subcategory } } : {}),
    selected: c.category === current.category && c.subcategory === (current.subcategory ?? null),
  }));
  if (!choices.some((c) => c.selected))
    choices.unshift({ value: current.category, label: current.category, selected: true });
  return searchableSelect({
    t,
    name: 'category',
    id: 'f-category',
    label: t.category,
    filterLabel: t.categoryFilter,
    choices,
    required: true,
    alsoErrorsFor: ['subcategory'],
  });
}

/** Languages a newsroom publishes in most; a show's other tag is kept as it is. */
const LANGUAGE_TAGS = [
  'ar',
  'br',
  'ca',
  'co',
  'cs',
  'cy',
  'da',
  'de',
  'el',
  'en',
  'en-GB',
  'en-US',
  'es',
  'eu',
  'fi',
  'fr',
  'fr-BE',
  'fr-CA',
  'fr-CH',
  'ga',
  'gd',
  'gl',
  'he',
  'hi',
  'hu',
  'it',
  'ja',
  'ko',
  'lb',
  'nl',
  'no',
  'oc',
  'pl',
  'pt',
  'pt-BR',
  'ro',
  'ru',
  'sv',
  'tr',
  'uk',
  'vi',
  'wo',
  'zh',
];

const displayNames = new Map<Lang, Intl.DisplayNames>();
function languageName(lang: Lang, tag: string): string {
  let names = displayNames.get(lang);
  if (!names) {
    names = new Intl.DisplayNames([lang], { type: 'language', fallback: 'code' });
    displayNames.set(lang, names);
  }
  return names.of(tag) ?? tag;
}

export function languageSelect(
  t: StudioStrings,
  lang: Lang,
  current: string | null | undefined,
  opts: { id?: string; label?: string; optional?: boolean } = {},
): SafeHtml {
  const tags =
    current && !LANGUAGE_TAGS.includes(current) ? [current, ...LANGUAGE_TAGS] : LANGUAGE_TAGS;
  const choices: Choice[] = tags
    .map((tag) => ({
      value: tag,
      label: fill('{name} ({tag})', { name: languageName(lang, tag), tag }),
      keywords: languageName(lang === 'fr' ? 'en' : 'fr', tag),
      selected: tag === current,
    }))
    .sort((a, b) => a.label.localeCompare(b.label, lang));
  if (opts.optional) choices.unshift({ value: '', label: t.languageUnset, selected: !current });
  return searchableSelect({
    t,
    name: 'language',
    id: opts.id ?? 'f-language',
    label: opts.label ?? t.language2,
    filterLabel: t.languageFilter,
    choices,
  });
}
