/**
 * The quality report on an episode's page: each finding in the editor's language
 * (worded from its code and figures), where it is in the recording, and the
 * publications made despite blocking findings (who, when, why).
 */
import type { QualityFinding, QualityOverride, QualityReport } from '../../src/core/quality.js';
import { html, type SafeHtml } from '../../src/http/html.js';
import { fill, type Lang } from '../../src/http/i18n/lang.js';
import type { StudioStrings } from '../../src/http/i18n/studio.js';

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

/** A finding in the editor's language; the API's English sentence if the code is unknown. */
export function findingText(t: StudioStrings, lang: Lang, f: QualityFinding): string {
  const template = (t as Record<string, string | undefined>)[`q_${f.code}`];
  if (!template) return f.message;
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(f.data ?? {})) {
    if (typeof value === 'number') values[key] = number(lang, value);
    else if (value === 'left' || value === 'right') values[key] = t[`q_${value}`];
    else values[key] = value;
  }
  return fill(template, values);
}

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
          html`<li>${fill(t.qualityOverrideLine, {
            at: o.at,
            name: o.by.name,
            reason: o.reason,
            codes: o.findings.join(', '),
          })}</li>`,
      )}</ul>`
    : '';
  return html`<section id="quality" aria-labelledby="quality-heading" data-blocking="${String(report.blocking)}">
<h2 id="quality-heading">${t.qualityReport}</h2>
${notAnalysed}${empty}${items.length ? html`<ul id="quality-findings">${items}</ul>` : ''}
${overridden}</section>`;
}
