/**
 * The studio's behaviour on top of server-rendered pages: forms post JSON with the
 * CSRF token, problems land next to their fields, the upload reports its bytes, and
 * processing progress arrives as server-sent events (polling if they fail).
 */
type Strings = Record<string, string>;
interface Problem {
  title?: string;
  detail?: string;
  errors?: { field: string; message: string }[];
}

const $ = <T extends HTMLElement = HTMLElement>(sel: string, root: ParentNode = document) =>
  root.querySelector<T>(sel);
const t: Strings = JSON.parse($('#strings')?.textContent ?? '{}') as Strings;
const csrf = $<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? '';

async function api(
  method: string,
  url: string,
  body?: unknown,
): Promise<{ ok: boolean; status: number; data: unknown }> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (csrf) headers['x-csrf-token'] = csrf;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { detail: text };
  }
  return { ok: res.ok, status: res.status, data };
}

function clearErrors(form: HTMLElement): void {
  form.querySelectorAll<HTMLElement>('[data-error-for]').forEach((el) => (el.textContent = ''));
  form.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
}

/** Each field's message next to it; anything else in the form's own error line. */
function showProblem(form: HTMLElement, problem: Problem | null, fallback?: string): void {
  clearErrors(form);
  const general = $('[data-error-for="(form)"]', form);
  let placed = 0;
  for (const err of problem?.errors ?? []) {
    const slot = $(`[data-error-for="${CSS.escape(err.field)}"]`, form);
    if (slot) {
      slot.textContent = err.message;
      const input = form.querySelector(`[name="${CSS.escape(err.field)}"]`);
      input?.setAttribute('aria-invalid', 'true');
      if (placed === 0 && input instanceof HTMLElement) input.focus();
      placed++;
    } else if (general) {
      general.textContent += `${err.field}: ${err.message}. `;
    }
  }
  if (general && !general.textContent)
    general.textContent =
      fallback ??
      (placed ? t.fixFields! : [problem?.title, problem?.detail].filter(Boolean).join(' — '));
}

const value = (form: HTMLFormElement, name: string) =>
  (form.elements.namedItem(name) as HTMLInputElement | null)?.value.trim() ?? '';

function onSubmit(form: HTMLFormElement | null, handler: (form: HTMLFormElement) => Promise<void>) {
  form?.addEventListener('submit', (event) => {
    event.preventDefault();
    const button = form.querySelector<HTMLButtonElement>('button[type="submit"]');
    if (button) button.disabled = true;
    handler(form)
      .catch(() => showProblem(form, null, t.networkError))
      .finally(() => {
        if (button) button.disabled = false;
      });
  });
}

// Sign out (every signed-in page).
$('#sign-out')?.addEventListener('click', () => {
  void api('DELETE', '/api/session').finally(() => location.assign('/studio/login'));
});

// Sign in.
onSubmit($<HTMLFormElement>('#login-form'), async (form) => {
  const res = await api('POST', '/api/session', {
    email: value(form, 'email'),
    password: value(form, 'password'),
  });
  if (res.ok) return location.assign(form.dataset.next || '/studio/shows');
  showProblem(form, res.data as Problem, res.status === 401 ? t.wrongPassword : undefined);
});

// New show.
onSubmit($<HTMLFormElement>('#show-form'), async (form) => {
  const optional = (name: string) => value(form, name) || undefined;
  const body = {
    slug: value(form, 'slug'),
    title: value(form, 'title'),
    description: value(form, 'description'),
    author: value(form, 'author'),
    owner: { name: value(form, 'owner.name'), email: value(form, 'owner.email') },
    category: value(form, 'category'),
    siteUrl: value(form, 'siteUrl'),
    imageUrl: optional('imageUrl'),
    language: optional('language'),
  };
  const res = await api('POST', '/api/shows', body);
  if (res.ok) return location.assign(`/studio/shows/${encodeURIComponent(body.slug)}`);
  showProblem(form, res.data as Problem);
});

// Prefill from the article's URL.
onSubmit($<HTMLFormElement>('#prefill-form'), async (form) => {
  const status = $('#prefill-status')!;
  status.textContent = t.prefilling!;
  const res = await api('POST', '/api/prefill', { url: value(form, 'prefillUrl') });
  if (!res.ok) {
    status.textContent = '';
    const problem = res.data as Problem;
    // The prefill form has one field: its errors are about "url".
    problem.errors = problem.errors?.map((e) => ({ ...e, field: 'prefillUrl' }));
    return showProblem(form, problem);
  }
  clearErrors(form);
  const meta = res.data as Record<string, string | string[] | null>;
  const target = $<HTMLFormElement>('#episode-form')!;
  const set = (name: string, v: string | string[] | null | undefined) => {
    const input = target.elements.namedItem(name) as HTMLInputElement | null;
    if (input && v !== null && v !== undefined) input.value = Array.isArray(v) ? v.join('\n') : v;
  };
  set('title', meta.title);
  set('articleUrl', meta.articleUrl);
  set('summary', meta.summary);
  set('author', meta.author);
  set('publishedAt', meta.publishedAt);
  set('categories', meta.categories);
  set('imageUrl', meta.imageUrl);
  set('language', meta.language);
  set('source', meta.source);
  status.textContent = t.prefilled!;
});

// New episode: drop zone, upload with progress, then the episode's page.
const episodeForm = $<HTMLFormElement>('#episode-form');
if (episodeForm) {
  let file: File | null = null;
  const zone = $('#dropzone')!;
  const input = $<HTMLInputElement>('#f-audio')!;
  const choose = (f: File | undefined) => {
    file = f ?? null;
    $('#file-name')!.textContent = file ? `${file.name} (${file.size} bytes)` : '';
  };
  input.addEventListener('change', () => choose(input.files?.[0]));
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('over');
    choose(event.dataTransfer?.files[0]);
  });

  episodeForm.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!file)
      return showProblem(episodeForm, { errors: [{ field: 'audio', message: t.noFile! }] });
    const data = new FormData();
    for (const name of [
      'title',
      'articleUrl',
      'summary',
      'author',
      'publishedAt',
      'imageUrl',
      'language',
      'source',
    ]) {
      const v = value(episodeForm, name);
      if (v) data.append(name, v);
    }
    for (const c of value(episodeForm, 'categories').split('\n'))
      if (c.trim()) data.append('categories', c.trim());
    data.append('audio', file, file.name);

    const section = $('#upload-section')!;
    const bar = $<HTMLProgressElement>('#upload-progress')!;
    const text = $('#upload-text')!;
    section.hidden = false;
    const button = $<HTMLButtonElement>('#upload-button')!;
    button.disabled = true;
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/shows/${encodeURIComponent(episodeForm.dataset.show ?? '')}/episodes`);
    xhr.setRequestHeader('x-csrf-token', csrf);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.addEventListener('progress', (e) => {
      if (!e.lengthComputable) return;
      const pct = Math.floor((e.loaded / e.total) * 100);
      bar.value = pct;
      text.textContent = `${e.loaded} / ${e.total} bytes — ${pct} %`;
    });
    xhr.addEventListener('load', () => {
      button.disabled = false;
      let body: Problem & { id?: string } = {};
      try {
        body = JSON.parse(xhr.responseText) as typeof body;
      } catch {
        /* not JSON: shown as a general error below */
      }
      if (xhr.status === 202 && body.id) {
        bar.value = 100;
        location.assign(`/studio/episodes/${body.id}`);
        return;
      }
      section.hidden = true;
      showProblem(episodeForm, body);
    });
    xhr.addEventListener('error', () => {
      button.disabled = false;
      section.hidden = true;
      showProblem(episodeForm, null, t.networkError);
    });
    xhr.send(data);
  });
}

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
    text.textContent = `${t.processing} : ${progress} %`;
  };
  const label = (state: string) => t[`st_${state}`] ?? state;
  const settle = (state: string, failure: string | null) => {
    stateEl.textContent = label(state);
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

  const publishError = $('#publish-error');
  const act = (path: string, body: unknown) =>
    void api('POST', `/api/episodes/${id}/${path}`, body).then((res) => {
      if (res.ok) return location.reload();
      const p = res.data as Problem;
      if (publishError)
        publishError.textContent = [p.title, p.detail, ...(p.errors ?? []).map((e) => e.message)]
          .filter(Boolean)
          .join(' — ');
    });
  $('#publish-now')?.addEventListener('click', () => act('publish', {}));
  $('#unpublish')?.addEventListener('click', () => act('unpublish', {}));
  $('#schedule')?.addEventListener('click', () => {
    const at = $<HTMLInputElement>('#schedule-at')!.value;
    act('publish', at ? { at: new Date(at).toISOString() } : {});
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

// API tokens (administrators).
onSubmit($<HTMLFormElement>('#token-form'), async (form) => {
  const res = await api('POST', '/api/tokens', { name: value(form, 'name') });
  if (!res.ok) return showProblem(form, res.data as Problem);
  clearErrors(form);
  const box = $('#new-token')!;
  box.hidden = false;
  const out = $<HTMLInputElement>('#token-value')!;
  out.value = (res.data as { token: string }).token;
  out.focus();
  out.select();
});
document.querySelectorAll<HTMLButtonElement>('button.revoke').forEach((button) => {
  button.addEventListener('click', () => {
    void api('DELETE', `/api/tokens/${button.dataset.id}`).then(() => location.reload());
  });
});

// Clips: drag across the waveform (or type the times) and create.
const wave = $<HTMLCanvasElement>('#waveform');
const clipForm = $<HTMLFormElement>('#clip-form');
if (wave && clipForm) {
  const duration = Number(wave.dataset.duration) || 0;
  const ctx = wave.getContext('2d')!;
  let peaks: number[] = [];
  const startInput = clipForm.elements.namedItem('start') as HTMLInputElement;
  const endInput = clipForm.elements.namedItem('end') as HTMLInputElement;
  const draw = () => {
    const { width, height } = wave;
    ctx.clearRect(0, 0, width, height);
    const s = Number(startInput.value);
    const en = Number(endInput.value);
    if (duration && en > s) {
      ctx.fillStyle = '#cde6f0';
      ctx.fillRect((s / duration) * width, 0, ((en - s) / duration) * width, height);
    }
    ctx.fillStyle = '#05668d';
    const pairs = peaks.length / 2;
    for (let x = 0; x < width && pairs; x++) {
      const i = Math.floor((x / width) * pairs) * 2;
      const min = peaks[i] ?? 0;
      const max = peaks[i + 1] ?? 0;
      const scale = height / 2 / 128;
      ctx.fillRect(x, height / 2 - max * scale, 1, Math.max(1, (max - min) * scale));
    }
  };
  void fetch(wave.dataset.peaks!)
    .then((r) => r.json() as Promise<{ data: number[]; bits?: number }>)
    .then((json) => {
      const factor = json.bits === 16 ? 1 / 256 : 1;
      peaks = json.data.map((v) => v * factor);
      draw();
    })
    .catch(() => undefined);
  const timeAt = (event: PointerEvent) => {
    const rect = wave.getBoundingClientRect();
    const ratio = Math.min(1, Math.max(0, (event.clientX - rect.left) / rect.width));
    return Math.round(ratio * duration * 10) / 10;
  };
  let anchor: number | null = null;
  wave.addEventListener('pointerdown', (event) => {
    anchor = timeAt(event);
    wave.setPointerCapture(event.pointerId);
  });
  wave.addEventListener('pointermove', (event) => {
    if (anchor === null) return;
    const now = timeAt(event);
    startInput.value = String(Math.min(anchor, now));
    endInput.value = String(Math.max(anchor, now));
    draw();
  });
  wave.addEventListener('pointerup', () => (anchor = null));
  startInput.addEventListener('input', draw);
  endInput.addEventListener('input', draw);
  onSubmit(clipForm, async (form) => {
    const id = $('#processing')!.dataset.episode!;
    const res = await api('POST', `/api/episodes/${id}/clips`, {
      title: value(form, 'title'),
      start: Number(value(form, 'start')),
      end: Number(value(form, 'end')),
    });
    if (res.ok) return location.reload();
    showProblem(form, res.data as Problem);
  });
}
