/** An episode's corrections: the form (cut passages or replace the recording) and its version history. */
import { formatTime } from '../../src/core/corrections.js';
import { html, type SafeHtml } from '../../src/http/html.js';
import type { Lang } from '../../src/http/i18n/lang.js';
import type { StudioStrings } from '../../src/http/i18n/studio.js';
import { field, listTable } from './layout.js';

/** One version as the history table shows it (the API's representation). */
export interface VersionRow {
  readonly number: number;
  readonly kind: string;
  readonly state: string;
  readonly reason: string | null;
  readonly note: string | null;
  readonly cuts: readonly { start: number; end: number }[] | null;
  readonly createdBy: string | null;
  readonly createdAt: string;
  readonly completedAt: string | null;
  readonly durationSeconds: number | null;
  readonly loudness: { integrated: number; truePeak: number } | null;
  readonly failureReason: string | null;
}

const label = (t: StudioStrings, key: string) =>
  (t as Record<string, string | undefined>)[key] ?? key;

export function correctionsSection(
  t: StudioStrings,
  lang: Lang,
  episodeId: string,
  versions: readonly VersionRow[],
): SafeHtml {
  const number = (n: number, digits: number) =>
    new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
      maximumFractionDigits: digits,
    }).format(n);
  const when = (iso: string) => html`<time datetime="${iso}" data-local>${iso}</time>`;
  const history = listTable({
    id: 'versions',
    labelledBy: 'versions-heading',
    headings: [
      t.versionNumber,
      t.versionKind,
      t.versionState,
      t.versionWhen,
      t.versionBy,
      t.versionReason,
      t.versionNote,
      t.versionDuration,
      t.versionLoudness,
    ],
    items: versions,
    row: (v) => html`<tr data-version="${v.number}">
<td>${v.number}</td>
<td>${label(t, `kind_${v.kind}`)}${v.cuts?.length ? html` (${v.cuts.map((c, i) => `${i ? ', ' : ''}${formatTime(c.start)}–${formatTime(c.end)}`).join('')})` : ''}</td>
<td><span class="state state-${v.state}">${label(t, `vst_${v.state}`)}</span>${v.failureReason ? html`<br><span class="error">${v.failureReason}</span>` : ''}</td>
<td>${when(v.completedAt ?? v.createdAt)}</td>
<td>${v.createdBy ?? '—'}</td>
<td>${v.reason ?? '—'}</td>
<td>${v.note ?? '—'}</td>
<td>${v.durationSeconds === null ? '—' : formatTime(v.durationSeconds)}</td>
<td>${v.loudness ? `${number(v.loudness.integrated, 1)} LUFS, ${number(v.loudness.truePeak, 1)} dBTP` : '—'}</td>
</tr>`,
  });
  return html`<section id="corrections" aria-labelledby="corrections-heading">
<h2 id="corrections-heading">${t.corrections}</h2>
<p class="hint">${t.correctionHelp}</p>
<form id="correction-form" data-episode="${episodeId}" novalidate>
${field('cuts', t.correctionCuts, { type: 'textarea', hint: t.correctionCutsHint, id: 'correction-cuts' })}
${field('audio', t.correctionAudio, { type: 'file', hint: t.correctionAudioHint, id: 'correction-audio', attrs: { accept: 'audio/*,video/*,.mp3,.wav,.m4a,.flac,.ogg,.opus' } })}
${field('reason', t.correctionReason, { required: true, id: 'correction-reason' })}
${field('note', t.correctionNote, { type: 'textarea', required: true, id: 'correction-note' })}
<p class="error form-error" role="alert" data-error-for="(form)"></p>
<button type="submit">${t.correctionSubmit}</button>
<p class="status" id="correction-status" role="status" aria-live="polite"></p></form>
<h3 id="versions-heading">${t.versions}</h3>
${history}
</section>`;
}
