/** A new episode (prefill, drop, upload) and an episode's own page. */
import type { Chapter } from '../../src/core/chapters.js';
import { html, type SafeHtml } from '../../src/http/html.js';
import { mp3Enclosure } from '../../src/core/domain.js';
import { chaptersToText } from '../chapters-text.js';
import { stateLabel, type StudioStrings } from '../../src/http/i18n/studio.js';
import type { Lang } from '../../src/http/i18n/lang.js';
import { languageSelect } from './choices.js';
import { field, layout, type PageContext } from './layout.js';

/** The article's metadata as the forms show it (lists one item a line). */
export interface ArticleFormValues {
  readonly title?: string;
  readonly articleUrl?: string;
  readonly summary?: string;
  readonly author?: string | null;
  readonly publishedAt?: string | null;
  readonly categories?: readonly string[];
  readonly imageUrl?: string | null;
  readonly language?: string | null;
  readonly source?: string | null;
  readonly copyright?: string | null;
  readonly interviewees?: readonly { readonly name: string; readonly role?: string }[];
}

/**
 * An instant the browser shows and edits in the editor's time zone: the input is
 * filled from `data-instant` and sent back as an instant (client/instants.ts).
 */
export function instantField(
  name: string,
  label: string,
  t: StudioStrings,
  instant: string | null | undefined,
  id?: string,
): SafeHtml {
  return field(name, label, {
    type: 'datetime-local',
    hint: t.localTime,
    ...(id ? { id } : {}),
    attrs: { 'data-instant': instant ?? null, 'data-zone-hint': true },
  });
}

/** The same fields, in the same order, for a new episode and for editing one. */
function articleFields(t: StudioStrings, lang: Lang, v: ArticleFormValues): SafeHtml[] {
  return [
    field('title', t.title, { required: true, value: v.title }),
    field('articleUrl', t.articleUrl, { type: 'url', required: true, value: v.articleUrl }),
    field('summary', t.summary, { type: 'textarea', value: v.summary }),
    field('author', t.byline, { value: v.author }),
    instantField('publishedAt', t.date, t, v.publishedAt),
    field('categories', t.categories, { type: 'textarea', value: v.categories?.join('\n') }),
    field('interviewees', t.interviewees, {
      type: 'textarea',
      hint: t.intervieweesHint,
      value: v.interviewees?.map((p) => (p.role ? `${p.name}, ${p.role}` : p.name)).join('\n'),
    }),
    field('imageUrl', t.articleImageUrl, { type: 'url', value: v.imageUrl }),
    languageSelect(t, lang, v.language, { optional: true }),
    field('source', t.source, { value: v.source }),
    field('copyright', t.copyright, { value: v.copyright }),
  ];
}

export function newEpisodePage(ctx: PageContext, show: { slug: string; title: string }): SafeHtml {
  const { t } = ctx;
  return layout(
    ctx,
    'new-episode',
    `${t.newEpisode} — ${show.title}`,
    html`<form id="prefill-form" novalidate>
${field('prefillUrl', t.prefillUrl, { type: 'url', required: true })}
<button type="submit" id="prefill-button">${t.prefill}</button>
<p class="status" id="prefill-status" role="status" aria-live="polite"></p></form>
<form id="episode-form" data-show="${show.slug}" novalidate>
${articleFields(t, ctx.lang, { language: ctx.lang })}
<div class="field"><span class="label" id="audio-label">${t.audio}</span>
<div class="dropzone" id="dropzone" aria-labelledby="audio-label"><p>${t.dropHere}</p>
<label class="button" for="f-audio">${t.chooseFile}</label>
<input id="f-audio" name="audio" type="file" accept="audio/*,.mp3,.wav,.m4a,.flac,.ogg,.opus" class="visually-hidden" aria-describedby="f-audio-error">
<p id="file-name"></p></div>
<p class="error" id="f-audio-error" data-error-for="audio" role="alert"></p></div>
<p class="error form-error" role="alert" data-error-for="(form)"></p>
<button type="submit" id="upload-button">${t.upload}</button>
</form>
<section id="upload-section" hidden><h2>${t.uploading}</h2>
<label for="upload-progress">${t.uploadProgress}</label>
<progress id="upload-progress" max="100" value="0"></progress>
<p id="upload-text" role="status" aria-live="polite"></p>
<button type="button" id="upload-pause" aria-pressed="false" hidden>${t.pauseUpload}</button></section>`,
  );
}

export interface EpisodeView {
  readonly id: string;
  readonly title: string;
  readonly state: string;
  readonly progress: number;
  readonly failureReason: string | null;
  readonly showSlug: string;
  readonly renditions: readonly { profile: string; url: string; mimeType: string; bytes: number }[];
  /** The before/after loudness table, already rendered (see loudness.ts). */
  readonly loudnessHtml: SafeHtml;
  /** The quality report and its overrides, already rendered (see quality.ts). */
  readonly qualityHtml?: SafeHtml;
  /** The report has blocking findings: publishing asks for a reason. */
  readonly qualityBlocking?: boolean;
  /** The audience section (./audience-section.ts). */
  readonly audienceHtml?: SafeHtml;
  readonly article: ArticleFormValues;
  /** Apple's item fields (null: not set, or the show's setting for explicit). */
  readonly feedFields: {
    readonly episodeType: string;
    readonly season: number | null;
    readonly episodeNumber: number | null;
    readonly explicit: boolean | null;
    readonly location: { readonly name: string; readonly geo?: string | undefined } | null;
  };
  readonly chapters: readonly Pick<Chapter, 'startTime' | 'title'>[];
  readonly transcriptUrl: string | null;
  /** When a scheduled episode goes public (ISO 8601). */
  readonly scheduledAt: string | null;
  readonly embedCode: string;
  readonly oembedUrl: string;
  readonly peaksUrl: string | null;
  readonly durationSeconds: number | null;
  readonly clips: readonly { title: string; start: number; end: number; state: string }[];
  /** Corrections: the form and the version history (./corrections.ts). */
  readonly correctionsHtml?: SafeHtml;
}

export function episodePage(ctx: PageContext, ep: EpisodeView): SafeHtml {
  const { t } = ctx;
  const mp3 = mp3Enclosure(ep.renditions) ?? ep.renditions[0];
  const kilobytes = new Intl.NumberFormat(ctx.lang === 'fr' ? 'fr-FR' : 'en-GB', {
    style: 'unit',
    unit: 'kilobyte',
    maximumFractionDigits: 0,
  });
  const renditions = ep.renditions.map(
    (r) =>
      html`<li><a href="${r.url}">${r.profile}</a> (${r.mimeType}, ${kilobytes.format(r.bytes / 1024)})</li>`,
  );
  const published = ep.state === 'published';
  return layout(
    ctx,
    'episode',
    ep.title,
    html`<p><a href="/studio/shows/${ep.showSlug}">${t.back}</a></p>
<section id="processing" data-episode="${ep.id}" data-state="${ep.state}">
<p>${t.state} : <strong id="episode-state" class="state state-${ep.state}">${stateLabel(t, ep.state)}</strong></p>
<label for="processing-progress">${t.processingProgress}</label>
<progress id="processing-progress" max="100" value="${ep.progress}"></progress>
<p id="processing-text" role="status" aria-live="polite">${ep.progress} %</p>
<p class="error" id="failure" role="alert">${ep.failureReason}</p>
${ep.state === 'failed' ? html`<button type="button" id="retry">${t.retry}</button><p class="error" id="retry-error" role="alert"></p>` : ''}</section>
<section id="ready-section"${ep.renditions.length ? '' : html` hidden`}>
<h2>${t.preview}</h2>
${published ? html`<iframe id="preview" title="${t.preview}" src="/embed/episodes/${ep.id}" width="100%" height="180"></iframe>` : mp3 ? html`<audio id="preview-audio" controls preload="none" src="${mp3.url}"></audio>` : ''}
${ep.loudnessHtml}
${ep.qualityHtml}
<h2>${t.renditions}</h2><ul id="renditions">${renditions}</ul>
${publicationControls(t, ep)}
<h2>${t.clips}</h2>
<ul id="clips">${ep.clips.map((c) => html`<li>${c.title} (${c.start}–${c.end} s) <span class="state state-${c.state}">${stateLabel(t, c.state)}</span></li>`)}</ul>
${
  ep.peaksUrl
    ? html`<canvas id="waveform" width="800" height="100" data-peaks="${ep.peaksUrl}" data-duration="${ep.durationSeconds ?? 0}" aria-label="${t.waveform}" role="img"></canvas>`
    : ''
}
<form id="clip-form" novalidate><p class="hint">${t.clipHelp}</p>
${field('title', t.clipTitle, { required: true, id: 'clip-title' })}
${field('start', t.clipStart, { type: 'number', required: true, id: 'clip-start', attrs: { step: '0.1', min: '0' } })}
${field('end', t.clipEnd, { type: 'number', required: true, id: 'clip-end', attrs: { step: '0.1', min: '0' } })}
<p class="error form-error" role="alert" data-error-for="(form)"></p>
<button type="submit">${t.createClip}</button></form>
<h2>${t.embedCode}</h2>
<label for="embed-code">${t.embedCode}</label>
<textarea id="embed-code" readonly rows="3">${ep.embedCode}</textarea>
<button type="button" class="copy" data-copy="embed-code" aria-label="${t.copyEmbed}">${t.copy}</button>
<label for="oembed-url">${t.oembedUrl}</label>
<input id="oembed-url" readonly value="${ep.oembedUrl}">
<button type="button" class="copy" data-copy="oembed-url" aria-label="${t.copyOembed}">${t.copy}</button>
<p role="status" aria-live="polite" id="copy-status"></p>
${ep.durationSeconds !== null ? ep.correctionsHtml : ''}
</section>
<details id="edit-article"><summary><h2>${t.editArticle}</h2></summary>
<p class="hint">${t.editArticleHint}</p>
<form id="metadata-form" data-episode="${ep.id}" novalidate>
${articleFields(t, ctx.lang, ep.article)}
<p class="error form-error" role="alert" data-error-for="(form)"></p>
<button type="submit" aria-label="${t.saveArticle}">${t.save}</button>
<p class="status" id="metadata-status" role="status" aria-live="polite"></p></form></details>
${podcastAppsSection(t, ep)}
${ep.audienceHtml}`,
  );
}

/**
 * Only the actions the episode's state allows: a draft is published now or
 * scheduled; a scheduled one shows its time, which can be moved or cancelled; a
 * published one shows its date and can be unpublished. Times are the editor's.
 */
function publicationControls(t: StudioStrings, ep: EpisodeView): SafeHtml {
  const time = (iso: string) => html`<time datetime="${iso}" data-local>${iso}</time>`;
  const publishNow = html`<button type="button" id="publish-now">${t.publishNow}</button>`;
  const when = instantField('at', t.scheduleAt, t, ep.scheduledAt, 'schedule-at');
  // The gate (src/services/publishing.ts): blocking findings need a recorded reason.
  const override = ep.qualityBlocking
    ? field('overrideReason', t.overrideReason, {
        type: 'textarea',
        id: 'override-reason',
        hint: t.overrideHint,
      })
    : html``;
  const error = html`<p class="error" id="publish-error" role="alert"></p>`;
  let body: SafeHtml;
  switch (ep.state) {
    case 'ready':
    case 'unpublished':
      body = html`${override}<div class="actions">${publishNow}</div>
<div class="schedule">${when}<button type="button" id="schedule">${t.schedule}</button></div>`;
      break;
    case 'scheduled':
      body = html`<p id="publication-status">${t.scheduledFor} ${ep.scheduledAt ? time(ep.scheduledAt) : ''}</p>
<div class="schedule">${when}<button type="button" id="schedule">${t.reschedule}</button>
<button type="button" id="cancel-schedule">${t.cancelSchedule}</button></div>
${override}<div class="actions">${publishNow}</div>`;
      break;
    case 'published':
      body = html`<p id="publication-status">${t.publishedOn} ${ep.article.publishedAt ? time(ep.article.publishedAt) : ''}</p>
<div class="actions"><button type="button" id="unpublish">${t.unpublish}</button></div>`;
      break;
    default:
      return html``;
  }
  return html`<section id="publication" aria-labelledby="publication-heading" data-state="${ep.state}">
<h2 id="publication-heading">${t.publishTime}</h2>
${body}${error}</section>`;
}

/** What podcast apps read besides the article: Apple's item fields, chapters, transcript. */
function podcastAppsSection(t: StudioStrings, ep: EpisodeView): SafeHtml {
  const f = ep.feedFields;
  const explicit = f.explicit === null ? '' : f.explicit ? 'yes' : 'no';
  return html`<details id="edit-podcast"><summary><h2>${t.podcastApps}</h2></summary>
<form id="feed-fields-form" data-episode="${ep.id}" novalidate>
${field('episodeType', t.episodeType, {
  type: 'select',
  value: f.episodeType,
  options: [
    { value: 'full', label: t.episodeFull },
    { value: 'trailer', label: t.episodeTrailer },
    { value: 'bonus', label: t.episodeBonus },
  ],
})}
${field('season', t.season, { type: 'number', value: f.season, attrs: { min: '1', step: '1' } })}
${field('episodeNumber', t.episodeNumber, { type: 'number', value: f.episodeNumber, attrs: { min: '1', step: '1' } })}
${field('explicit', t.explicit, {
  type: 'select',
  value: explicit,
  options: [
    { value: '', label: t.explicitShow },
    { value: 'yes', label: t.yes },
    { value: 'no', label: t.no },
  ],
})}
${field('location.name', t.locationName, { value: f.location?.name, hint: t.locationHint })}
${field('location.geo', t.locationGeo, { value: f.location?.geo, hint: 'geo:49.1829,-0.3707' })}
<p class="error form-error" role="alert" data-error-for="(form)"></p>
<button type="submit" aria-label="${t.saveFeedFields}">${t.save}</button>
<p class="status" id="feed-fields-status" role="status" aria-live="polite"></p></form>
<form id="chapters-form" data-episode="${ep.id}" novalidate>
${field('chapters', t.chapters, { type: 'textarea', hint: t.chaptersHint, value: chaptersToText(ep.chapters) })}
<p class="error form-error" role="alert" data-error-for="(form)"></p>
<button type="submit">${t.saveChapters}</button>
<p class="status" id="chapters-status" role="status" aria-live="polite"></p></form>
<form id="transcript-form" data-episode="${ep.id}" novalidate>
${ep.transcriptUrl ? html`<p id="transcript-current"><a href="${ep.transcriptUrl}">${t.currentTranscript}</a></p>` : ''}
${field('transcript', t.transcriptFile, { type: 'file', hint: t.transcriptHint, attrs: { accept: '.vtt,.srt,text/vtt' } })}
<p class="error form-error" role="alert" data-error-for="(form)"></p>
<button type="submit">${t.uploadTranscript}</button>
<p class="status" id="transcript-status" role="status" aria-live="polite"></p></form></details>`;
}
