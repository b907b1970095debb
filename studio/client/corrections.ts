/**
 * Corrections: passages to cut (one "start–end" a line, in seconds or mm:ss) sent
 * as JSON, or a replacement recording sent as a form; the page then shows the
 * new version in its history, and follows it while it is made: it reloads once
 * the version is online (or failed), as the processing of an upload is followed.
 */
import {
  $,
  api,
  csrf,
  fill,
  onSubmit,
  settle,
  showProblem,
  t,
  value,
  type Problem,
} from './forms.js';

const form = $<HTMLFormElement>('#correction-form');

// A version in the making: say so, and show the page again once it is done.
if (form && $('#versions .state-processing')) {
  const id = form.dataset.episode!;
  $('#correction-status', form)!.textContent = t.correctionInProgress!;
  const timer = setInterval(() => {
    void api('GET', `/api/episodes/${id}/versions`).then((res) => {
      const versions = (res.data as { versions?: { state: string }[] } | null)?.versions;
      if (res.ok && versions && !versions.some((v) => v.state === 'processing')) {
        clearInterval(timer);
        location.reload();
      }
    });
  }, 1500);
}

/** "cuts.1.end" → "Line 2: …", so that the editor knows which range the server means. */
function onLines(problem: Problem | null): Problem | null {
  if (!problem?.errors) return problem;
  return {
    ...problem,
    errors: problem.errors.map((e) => {
      const line = /^cuts\.(\d+)(\.|$)/.exec(e.field);
      return line
        ? { ...e, message: fill(t.correctionLine!, { n: Number(line[1]) + 1 }) + e.message }
        : e;
    }),
  };
}

/** "12:04–12:19" (en dash, hyphen or "to"/"à") → {start, end} as typed; null when not a range. */
function rangeOf(line: string): { start: string; end: string } | null {
  const match = /^\s*([\d:.]+)\s*(?:–|—|-|to|à)\s*([\d:.]+)\s*$/i.exec(line);
  return match ? { start: match[1]!, end: match[2]! } : null;
}

onSubmit(form, async (f) => {
  const id = f.dataset.episode!;
  const status = $('#correction-status', f)!;
  const file = (f.elements.namedItem('audio') as HTMLInputElement).files?.[0];
  const reason = value(f, 'reason');
  const note = value(f, 'note');
  if (file) {
    const body = new FormData();
    body.append('reason', reason);
    body.append('note', note);
    body.append('audio', file, file.name);
    const res = await fetch(`/api/episodes/${id}/corrections`, {
      method: 'POST',
      headers: { accept: 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) },
      credentials: 'same-origin',
      body,
    });
    const data = (await res.json().catch(() => null)) as unknown;
    settle(f, { ok: res.ok, data }, status, t.correctionQueued!);
    if (res.ok) location.reload();
    return;
  }
  const lines = value(f, 'cuts')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  if (lines.length === 0) {
    return showProblem(f, { errors: [{ field: 'cuts', message: t.correctionNothing! }] });
  }
  const cuts = lines.map(rangeOf);
  if (cuts.some((c) => c === null)) {
    return showProblem(f, { errors: [{ field: 'cuts', message: t.correctionBadRange! }] });
  }
  const res = await api('POST', `/api/episodes/${id}/corrections`, { cuts, reason, note });
  if (!res.ok) return showProblem(f, onLines(res.data as Problem));
  settle(f, res, status, t.correctionQueued!);
  location.reload();
});
