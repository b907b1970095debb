/**
 * A show's quality thresholds on its settings page: each number with its default,
 * each finding's severity (blocking, warning, off). The form sends what differs
 * from the defaults (`PUT /api/shows/:slug/quality`), so a show keeps following
 * the defaults it did not change.
 */
import {
  DEFAULT_QUALITY_SETTINGS,
  FINDING_CODES,
  qualitySettingsSchema,
  type QualitySettings,
} from '../../src/core/quality.js';
import { html, type SafeHtml } from '../../src/http/html.js';
import { fill, type Lang } from '../../src/http/i18n/lang.js';
import type { StudioStrings } from '../../src/http/i18n/studio.js';
import { findingName } from './quality.js';
import { field } from './layout.js';

/** The thresholds the form edits, in the order it shows them. */
export const THRESHOLDS = [
  'deadAirSeconds',
  'silenceThresholdDb',
  'clippingPercent',
  'deadChannelDb',
  'phaseCancelDb',
  'loudnessToleranceLu',
  'minDurationSeconds',
] as const;

const SEVERITIES = ['blocking', 'warning', 'off'] as const;

export function qualitySettingsSection(
  t: StudioStrings,
  lang: Lang,
  slug: string,
  settings: QualitySettings,
): SafeHtml {
  const say = (key: string) => (t as Record<string, string>)[key] ?? key;
  const number = new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
    maximumFractionDigits: 2,
  });
  const thresholds = THRESHOLDS.map((name) => {
    // The range the API accepts, said in the hint (its refusals are in English).
    const range = qualitySettingsSchema.shape[name].unwrap();
    const [min, max] = [range.minValue ?? 0, range.maxValue ?? 0];
    return field(name, say(`qs_${name}`), {
      type: 'number',
      id: `qs-${name}`,
      value: String(settings[name]),
      hint: fill(t.qualityDefault, {
        value: number.format(DEFAULT_QUALITY_SETTINGS[name]),
        min: number.format(min),
        max: number.format(max),
      }),
      attrs: { step: 'any', min, max, 'data-default': DEFAULT_QUALITY_SETTINGS[name] },
    });
  });
  const severities = FINDING_CODES.map((code) => {
    const fallback = DEFAULT_QUALITY_SETTINGS.severities[code];
    return field(`severities.${code}`, findingName(t, code), {
      type: 'select',
      id: `qs-severity-${code}`,
      value: settings.severities[code],
      attrs: { 'data-default': fallback },
      options: SEVERITIES.map((s) => ({
        value: s,
        label:
          s === fallback ? fill(t.severityDefault, { label: say(`sev_${s}`) }) : say(`sev_${s}`),
      })),
    });
  });
  return html`<section aria-labelledby="quality-settings-heading"><h2 id="quality-settings-heading">${t.qualitySettings}</h2>
<p class="hint">${t.qualitySettingsHint}</p>
<form id="quality-settings-form" data-show="${slug}" novalidate>
${thresholds}
<fieldset><legend>${t.qualitySeverities}</legend>
<p class="hint">${t.qualitySeveritiesHint}</p>
${severities}</fieldset>
<p class="error form-error" role="alert" data-error-for="(form)"></p>
<button type="submit">${t.saveQuality}</button>
<p class="status" id="quality-settings-status" role="status" aria-live="polite"></p></form></section>`;
}
