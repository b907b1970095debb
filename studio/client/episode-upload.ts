/**
 * The new-episode form's submit: the recording goes up resumably (./resumable-upload.ts)
 * with its progress in the page's language, then the episode is created from the
 * finished upload with the form's metadata. A refused form keeps the finished upload:
 * fixing a field does not send the file again.
 */
import { progressParts } from './byte-sizes.js';
import { $, api, articleFrom, csrf, fill, showProblem, t, type Problem } from './forms.js';
import { startResumableUpload, type ResumableUpload } from './resumable-upload.js';

export function onUploadSubmit(form: HTMLFormElement, file: () => File | null, lang: string): void {
  const section = $('#upload-section')!;
  const bar = $<HTMLProgressElement>('#upload-progress')!;
  const text = $('#upload-text')!;
  const button = $<HTMLButtonElement>('#upload-button')!;
  const pause = $<HTMLButtonElement>('#upload-pause');
  /** The last finished upload and the file it holds. */
  let finished: { file: File; id: string } | null = null;
  let running: ResumableUpload | null = null;
  let paused = false;

  const progress = (sent: number, total: number) => {
    const parts = progressParts(lang, sent, total);
    bar.value = total > 0 ? Math.floor((sent / total) * 100) : 0;
    text.textContent = fill(t.uploadedOf!, parts);
  };

  pause?.addEventListener('click', () => {
    if (!running) return;
    paused = !paused;
    if (paused) running.pause();
    else running.resume();
    pause.textContent = paused ? t.resumeUpload! : t.pauseUpload!;
    pause.setAttribute('aria-pressed', String(paused));
    if (paused) text.textContent = t.uploadPaused!;
  });

  const upload = async (chosen: File): Promise<string> => {
    if (finished?.file === chosen) return finished.id;
    running = startResumableUpload(chosen, {
      endpoint: '/api/uploads',
      csrf,
      onProgress: progress,
      onStalled: () => (text.textContent = t.uploadStalled!),
      onFlowing: () => undefined,
    });
    if (pause) {
      pause.hidden = false;
      pause.textContent = t.pauseUpload!;
      pause.setAttribute('aria-pressed', 'false');
    }
    try {
      const id = await running.done;
      finished = { file: chosen, id };
      return id;
    } finally {
      running = null;
      paused = false;
      if (pause) pause.hidden = true;
    }
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const chosen = file();
    if (!chosen) return showProblem(form, { errors: [{ field: 'audio', message: t.noFile! }] });
    if (running) return;
    section.hidden = false;
    button.disabled = true;
    void (async () => {
      let id: string;
      try {
        id = await upload(chosen);
      } catch (error) {
        button.disabled = false;
        section.hidden = true;
        const status = (error as { originalResponse?: { getStatus(): number; getBody(): string } })
          .originalResponse;
        let problem: Problem | null = null;
        try {
          problem = status ? (JSON.parse(status.getBody()) as Problem) : null;
        } catch {
          /* a tus protocol error in plain text: the general message below */
        }
        if (problem && !problem.errors) problem.errors = [];
        // Problems about the upload's size or type belong next to the file field.
        problem?.errors?.forEach((e) => (e.field = 'audio'));
        if (problem?.title && !problem.errors?.length)
          problem.errors = [{ field: 'audio', message: problem.title }];
        return showProblem(form, problem, t.networkError);
      }
      text.textContent = t.creatingEpisode!;
      const slug = encodeURIComponent(form.dataset.show ?? '');
      const res = await api('POST', `/api/shows/${slug}/episodes`, {
        ...articleFrom(form),
        upload: id,
      }).catch(() => null);
      button.disabled = false;
      const body = res ? (res.data as (Problem & { id?: string }) | null) : null;
      if (res?.status === 202 && body?.id) {
        location.assign(`/studio/episodes/${body.id}`);
        return;
      }
      // A used upload cannot serve again: the next submit sends the file anew.
      if (res?.status === 409 || res?.status === 404) finished = null;
      section.hidden = true;
      showProblem(form, body, t.networkError);
    })();
  });
}
