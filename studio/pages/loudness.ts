/**
 * Loudness as an editor reads it: the recording as received, the renditions as
 * published, and the target they were brought to (EBU R128 figures from the worker).
 */
import { html, type SafeHtml } from '../../src/http/html.js';
import type { LoudnessReport } from '../../src/core/media-types.js';
import type { Lang } from '../../src/http/i18n/lang.js';
import type { StudioStrings } from '../../src/http/i18n/studio.js';

/** One formatter per language and sign style, made once (a show page formats every row). */
const formatters = new Map<string, Intl.NumberFormat>();
const number = (lang: Lang, v: number, signed = false) => {
  const key = `${lang}:${signed}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
      minimumFractionDigits: 1,
      maximumFractionDigits: 1,
      signDisplay: signed ? 'exceptZero' : 'auto',
    });
    formatters.set(key, format);
  }
  return format.format(v);
};

/** A report from the worker, or null for rows processed before loudness was recorded. */
function complete(report: LoudnessReport | null | undefined): report is LoudnessReport {
  return (
    !!report &&
    typeof report.input?.integrated === 'number' &&
    typeof report.output?.integrated === 'number'
  );
}

/** "-23.0 → -16.0 LUFS" for the episodes list. */
export function loudnessSummary(
  lang: Lang,
  report: LoudnessReport | null | undefined,
): string | null {
  if (!complete(report)) return null;
  return `${number(lang, report.input.integrated)} → ${number(lang, report.output.integrated)} LUFS`;
}

/** Before, after and target side by side, with what was done to get there. */
export function loudnessTable(
  t: StudioStrings,
  lang: Lang,
  report: LoudnessReport | null | undefined,
): SafeHtml {
  if (!complete(report)) return html``;
  const n = (v: number | undefined, unit: string) =>
    typeof v === 'number' && Number.isFinite(v) ? `${number(lang, v)} ${unit}` : '—';
  const row = (label: string, before: string, after: string, target: string) =>
    html`<tr><th scope="row">${label}</th><td>${before}</td><td>${after}</td><td>${target}</td></tr>`;
  const treatment = {
    linear: t.loudnessLinear,
    limited: t.loudnessLimited,
    leveled: t.loudnessLeveled,
  }[report.mode];
  return html`<table id="loudness" class="figures"><caption>${t.loudness}</caption>
<thead><tr><td></td><th scope="col">${t.loudnessBefore}</th><th scope="col">${t.loudnessAfter}</th><th scope="col">${t.loudnessTarget}</th></tr></thead>
<tbody>
${row(t.integratedLoudness, n(report.input.integrated, 'LUFS'), n(report.output.integrated, 'LUFS'), n(report.target.integrated, 'LUFS'))}
${row(t.truePeak, n(report.input.truePeak, 'dBTP'), n(report.output.truePeak, 'dBTP'), `≤ ${n(report.target.truePeak, 'dBTP')}`)}
${row(t.loudnessRange, n(report.input.lra, 'LU'), n(report.output.lra, 'LU'), '—')}
</tbody></table>
<p class="hint" id="loudness-treatment">${t.gainApplied} ${number(lang, report.gainDb, true)} dB${treatment ? ` — ${treatment}` : ''}</p>`;
}
