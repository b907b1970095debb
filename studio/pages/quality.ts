/**
 * The quality report on an episode's page: each finding in the editor's language
 * (worded from its code and figures), where it is in the recording, and the
 * publications made despite blocking findings (who, when, why).
 */
import type { QualityFinding, QualityOverride, QualityReport } from '../../src/core/quality.js';
import { html, type SafeHtml } from '../../src/http/html.js';
import { fill, type Lang } from '../../src/http/i18n/lang.js';
import type { StudioStrings } from '../../src/http/i18n/studio.js';
import { fillHtml } from './fill-html.js';

const numberFormats = new Map<Lang, Intl.NumberFormat>();
const number = (lang: Lang, n: number) => {
  let format = numberFormats.get(lang);
  if (!format) {
    format = new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
      maximumFractionDigits: 2,
    });
    numberFormats.set(lang, format);
  }
  return format.format(n);
};

const text = (t: StudioStrings, key: string) => (t as Record<string, string | undefined>)[key];

/** A finding's figures as the editor reads them: numbers in their language, left/right named. */
function wordedData(t: StudioStrings, lang: Lang, f: QualityFinding): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(f.data ?? {})) {
    if (typeof value === 'number') values[key] = number(lang, value);
    else if (value === 'left' || value === 'right') values[key] = t[`q_${value}`];
    else values[key] = value;
  }
  return values;
}

/**
 * A finding in the editor's language; the API's English sentence if the code (or,
 * for the artwork and Apple's item rules, the reason or rule) has no wording here.
 */
export function findingText(t: StudioStrings, lang: Lang, f: QualityFinding): string {
  const template = text(t, `q_${f.code}`);
  if (!template) return f.message;
  const values = wordedData(t, lang, f);
  // The part that came from another check (artwork, feed check) is worded from its name.
  const inner =
    f.code === 'artwork-invalid'
      ? { slot: 'problem', template: text(t, `qa_${values.reason}`) }
      : f.code === 'apple-item'
        ? { slot: 'rule', template: text(t, `qr_${values.rule}`) }
        : null;
  if (inner) {
    if (!inner.template) return f.message;
    values[inner.slot] = fill(inner.template, values);
  }
  return fill(template, values);
}

/** A finding code as the editor calls it ("Blanc à l’antenne" for dead-air). */
export const findingName = (t: StudioStrings, code: string): string =>
  text(t, `qn_${code}`) ?? code;

const clock = (seconds: number) => {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

export function qualitySection(
  t: StudioStrings,
  lang: Lang,
  report: QualityReport | null,
  overrides: readonly QualityOverride[],
): SafeHtml {
  if (!report) return html``;
  const items = report.findings.map((f) => {
    const label = f.severity === 'blocking' ? t.qualityBlocking : t.qualityWarning;
    // A place in time: the preview player (when on the page) starts there.
    const at = f.at
      ? html` <button type="button" class="seek" data-seek="${f.at.start}" aria-label="${fill(t.qualityListen, { from: clock(f.at.start) })}">${clock(f.at.start)}–${clock(f.at.end)}</button>`
      : '';
    return html`<li class="finding finding-${f.severity}" data-code="${f.code}" data-severity="${f.severity}"><strong>${label}</strong> ${findingText(t, lang, f)}${at}</li>`;
  });
  const empty = report.findings.length ? '' : html`<p id="quality-none">${t.qualityNone}</p>`;
  const notAnalysed = report.analysed
    ? ''
    : html`<p class="hint" id="quality-not-analysed">${t.qualityNotAnalysed}</p>`;
  const overridden = overrides.length
    ? html`<h3 id="quality-overrides-heading">${t.qualityOverrides}</h3>
<ul id="quality-overrides" aria-labelledby="quality-overrides-heading">${overrides.map(
        (o) =>
          html`<li>${fillHtml(t.qualityOverrideLine, {
            // Shown in the editor's time zone by the studio's script.
            at: html`<time datetime="${o.at}" data-local>${o.at}</time>`,
            name: o.by.name,
            reason: o.reason,
            codes: o.findings.map((code) => findingName(t, code)).join(', '),
          })}</li>`,
      )}</ul>`
    : '';
  return html`<section id="quality" aria-labelledby="quality-heading" data-blocking="${String(report.blocking)}">
<h2 id="quality-heading">${t.qualityReport}</h2>
${notAnalysed}${empty}${items.length ? html`<ul id="quality-findings">${items}</ul>` : ''}
${overridden}</section>`;
}
