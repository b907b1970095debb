/** An episode's page: live processing progress, publishing, copy buttons, edits. */
import { parseChaptersText } from '../chapters-text.js';
import { instantOf } from './instants.js';
import {
  $,
  api,
  articleFrom,
  clearErrors,
  fill,
  onSubmit,
  settle,
  showProblem,
  t,
  value,
  type Problem,
} from './forms.js';

// Episode page: live processing progress, publishing, copy buttons.
const processing = $('#processing');
if (processing) {
  const id = processing.dataset.episode!;
  const bar = $<HTMLProgressElement>('#processing-progress')!;
  const text = $('#processing-text')!;
  const stateEl = $('#episode-state')!;
  const busy = (s: string) => s === 'uploaded' || s === 'processing';
  const show = (progress: number) => {
    bar.value = progress;
    text.textContent = fill(t.processingPercent!, { n: progress });
  };
  const label = (state: string) => t[`st_${state}`] ?? state;
  const settle = (state: string, failure: string | null) => {
    stateEl.textContent = label(state);
    stateEl.className = `state state-${state}`;
    if (state === 'failed') $('#failure')!.textContent = failure ?? t.failed!;
    else if (!busy(state)) location.reload();
  };
  const poll = () => {
    const timer = setInterval(() => {
      void api('GET', `/api/episodes/${id}`).then((res) => {
        const ep = res.data as { state: string; progress: number; failureReason: string | null };
        show(ep.progress);
        if (!busy(ep.state)) {
          clearInterval(timer);
          settle(ep.state, ep.failureReason);
        }
      });
    }, 1500);
  };
  if (busy(processing.dataset.state ?? '')) {
    if ('EventSource' in window) {
      const source = new EventSource(`/api/episodes/${id}/events`);
      source.addEventListener('progress', (e) => {
        show((JSON.parse((e as MessageEvent<string>).data) as { progress: number }).progress);
      });
      source.addEventListener('state', (e) => {
        const s = JSON.parse((e as MessageEvent<string>).data) as {
          state: string;
          progress: number;
          failureReason: string | null;
        };
        show(s.progress);
        if (!busy(s.state)) {
          source.close();
          settle(s.state, s.failureReason);
        } else stateEl.textContent = label(s.state);
      });
      source.addEventListener('error', () => {
        source.close();
        poll();
      });
    } else poll();
  }

  // Publication: only the buttons the state allows are on the page (pages/episode.ts).
  const publishError = $('#publish-error');
  const say = (text: string) => {
    if (publishError) publishError.textContent = text;
  };
  const act = (path: string, body: unknown) =>
    void api('POST', `/api/episodes/${id}/${path}`, body).then((res) => {
      if (res.ok) return location.reload();
      const p = res.data as Problem;
      // Refused by the quality gate: the report is on the page; ask for the reason.
      if (p.type === '/problems/quality-gate') return say(t.qualityGateRefused!);
      say(
        [p.title, p.detail, ...(p.errors ?? []).map((e) => e.message)].filter(Boolean).join(' — '),
      );
    });
  /** The publish request, with the editor's reason when the report blocks. */
  const publishBody = (at?: string) => {
    const reason = $<HTMLTextAreaElement>('#override-reason')?.value.trim();
    return { ...(at ? { at } : {}), ...(reason ? { override: { reason } } : {}) };
  };
  $('#publish-now')?.addEventListener('click', () => act('publish', publishBody()));
  $('#unpublish')?.addEventListener('click', () => act('unpublish', {}));
  // Cancelling a schedule takes the episode out of the queue of publications (unpublished).
  $('#cancel-schedule')?.addEventListener('click', () => act('unpublish', {}));
  $('#schedule')?.addEventListener('click', () => {
    const at = instantOf($<HTMLInputElement>('#schedule-at'));
    if (!at) return say(t.scheduleMissing!);
    act('publish', publishBody(at));
  });
}

document.querySelectorAll<HTMLButtonElement>('button.copy').forEach((button) => {
  button.addEventListener('click', () => {
    const source = document.getElementById(button.dataset.copy ?? '') as HTMLInputElement | null;
    if (!source) return;
    const done = () => ($('#copy-status')!.textContent = t.copied!);
    navigator.clipboard.writeText(source.value).then(done, () => {
      source.select();
      document.execCommand('copy');
      done();
    });
  });
});

// A failed episode: process the stored recording again (same settings).
$('#retry')?.addEventListener('click', () => {
  const id = $('#processing')!.dataset.episode!;
  void api('POST', `/api/episodes/${id}/reprocess`, {}).then((res) => {
    if (res.ok) return location.reload();
    const p = res.data as Problem;
    $('#retry-error')!.textContent = [p.title, p.detail].filter(Boolean).join(' — ');
  });
});

// Edit the article's metadata later: same fields as at upload, the guid stays.
onSubmit($<HTMLFormElement>('#metadata-form'), async (form) => {
  const status = $('#metadata-status')!;
  status.textContent = '';
  const res = await api('PATCH', `/api/episodes/${form.dataset.episode}`, articleFrom(form));
  if (!res.ok) return showProblem(form, res.data as Problem);
  clearErrors(form);
  const saved = res.data as { title: string };
  $('main h1')!.textContent = saved.title;
  document.title = `${saved.title} · ${t.studio}`;
  status.textContent = t.saved!;
});

// Apple's item fields: type, season and episode numbers, explicit (empty: the show's).
onSubmit($<HTMLFormElement>('#feed-fields-form'), async (form) => {
  const status = $('#feed-fields-status')!;
  status.textContent = '';
  const number = (name: string) => (value(form, name) ? Number(value(form, name)) : null);
  const explicit = value(form, 'explicit');
  const res = await api('PATCH', `/api/episodes/${form.dataset.episode}`, {
    episodeType: value(form, 'episodeType'),
    season: number('season'),
    episodeNumber: number('episodeNumber'),
    explicit: explicit === '' ? null : explicit === 'yes',
    // podcast:location: a place name, with coordinates if given; no name clears it.
    location: value(form, 'location.name')
      ? {
          name: value(form, 'location.name'),
          ...(value(form, 'location.geo') ? { geo: value(form, 'location.geo') } : {}),
        }
      : null,
  });
  settle(form, res, status, t.saved!);
});

// Chapters typed one a line ("4:30 Title"), sent as Podcasting 2.0 JSON chapters.
onSubmit($<HTMLFormElement>('#chapters-form'), async (form) => {
  const status = $('#chapters-status')!;
  status.textContent = '';
  const parsed = parseChaptersText(value(form, 'chapters'));
  if (!parsed.ok)
    return showProblem(form, {
      errors: [
        {
          field: 'chapters',
          message: t.chaptersBadLines!.replace('{lines}', parsed.badLines.join(', ')),
        },
      ],
    });
  const res = await api('PUT', `/api/episodes/${form.dataset.episode}/chapters`, {
    version: '1.2.0',
    chapters: parsed.chapters,
  });
  settle(form, res, status, t.saved!);
});

// Transcript: the file is the request body, typed by its extension.
onSubmit($<HTMLFormElement>('#transcript-form'), async (form) => {
  const status = $('#transcript-status')!;
  status.textContent = '';
  const file = (form.elements.namedItem('transcript') as HTMLInputElement).files?.[0];
  if (!file) return showProblem(form, { errors: [{ field: 'transcript', message: t.noFile! }] });
  const type = /\.srt$/i.test(file.name) ? 'application/srt' : 'text/vtt';
  const res = await api(
    'PUT',
    `/api/episodes/${form.dataset.episode}/transcript`,
    new Blob([file], { type }),
  );
  settle(form, res, status, t.transcriptUploaded!);
});

// The quality report's places in time: the preview player starts there.
document.querySelectorAll<HTMLButtonElement>('button.seek').forEach((button) => {
  button.addEventListener('click', () => {
    const audio = $<HTMLAudioElement>('#preview-audio');
    if (!audio) return;
    audio.currentTime = Number(button.dataset.seek);
    void audio.play();
  });
});
