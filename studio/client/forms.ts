/**
 * What every studio script shares: the page's strings and CSRF token, JSON calls to
 * the API, and problems placed next to the fields they are about.
 */
import { instantOf } from './instants.js';

export type Strings = Record<string, string>;
export interface Problem {
  type?: string;
  title?: string;
  detail?: string;
  errors?: { field: string; message: string }[];
}

export const $ = <T extends HTMLElement = HTMLElement>(sel: string, root: ParentNode = document) =>
  root.querySelector<T>(sel);
export const t: Strings = JSON.parse($('#strings')?.textContent ?? '{}') as Strings;
export const csrf = $<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? '';

/** A call to the API with the session's CSRF token: a JSON body, or a file sent as it is. */
export async function api(
  method: string,
  url: string,
  body?: unknown,
): Promise<{ ok: boolean; status: number; data: unknown }> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (csrf) headers['x-csrf-token'] = csrf;
  const file = body instanceof Blob;
  if (body !== undefined) headers['content-type'] = file ? body.type : 'application/json';
  const res = await fetch(url, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : file ? body : JSON.stringify(body),
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

/** A form's answer: its problem next to the fields, or the status line says `done`. */
export function settle(
  form: HTMLElement,
  res: { ok: boolean; data: unknown },
  status: HTMLElement,
  done: string,
): void {
  if (!res.ok) return showProblem(form, res.data as Problem);
  clearErrors(form);
  status.textContent = done;
}

export function clearErrors(form: HTMLElement): void {
  form.querySelectorAll<HTMLElement>('[data-error-for]').forEach((el) => (el.textContent = ''));
  form.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
}

/** Each field's message next to it; anything else in the form's own error line. */
export function showProblem(form: HTMLElement, problem: Problem | null, fallback?: string): void {
  clearErrors(form);
  const general = $('[data-error-for="(form)"]', form);
  let placed = 0;
  for (const err of problem?.errors ?? []) {
    // "interviewees.1.name" belongs next to the "interviewees" box.
    const name = fieldOf(form, err.field);
    const slot = name === null ? null : $(`[data-error-for="${CSS.escape(name)}"]`, form);
    if (slot) {
      slot.textContent += (slot.textContent ? ' ' : '') + err.message;
      const input = form.querySelector(`[name="${CSS.escape(name!)}"]`);
      input?.setAttribute('aria-invalid', 'true');
      if (placed === 0 && input instanceof HTMLElement) input.focus();
      placed++;
    } else if (general) {
      general.textContent += `${err.field}: ${err.message}. `;
    }
  }
  if (general && /\/problems\/session-expired$/.test(problem?.type ?? ''))
    general.textContent = t.sessionExpired!;
  if (general && !general.textContent)
    general.textContent =
      fallback ??
      (placed ? t.fixFields! : [problem?.title, problem?.detail].filter(Boolean).join(' — '));
  // Signed out meanwhile: offer to sign in elsewhere, so what was typed here is kept.
  if (general && /\/problems\/(session-expired|unauthorized)$/.test(problem?.type ?? '')) {
    const link = document.createElement('a');
    link.href = `/studio/login?next=${encodeURIComponent(location.pathname)}`;
    link.target = '_blank';
    link.textContent = t.signInAgain!;
    general.append(' ', link);
  }
}

/** The form field an error path is about: itself, or the nearest named ancestor path. */
function fieldOf(form: HTMLElement, path: string): string | null {
  const parts = path.split('.');
  for (let n = parts.length; n > 0; n--) {
    const candidate = parts.slice(0, n).join('.');
    if (form.querySelector(`[data-error-for="${CSS.escape(candidate)}"]`)) return candidate;
  }
  return null;
}

/** One entry a line, blank lines dropped. */
const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/** The article's metadata as the API takes it; blank optional fields are left out. */
export function articleFrom(form: HTMLFormElement): Record<string, unknown> {
  const body: Record<string, unknown> = {
    title: value(form, 'title'),
    articleUrl: value(form, 'articleUrl'),
    summary: value(form, 'summary'),
    categories: lines(value(form, 'categories')),
    // "Name, role": the role is everything after the first comma.
    interviewees: lines(value(form, 'interviewees')).map((line) => {
      const comma = line.indexOf(',');
      return comma < 0
        ? { name: line }
        : { name: line.slice(0, comma).trim(), role: line.slice(comma + 1).trim() };
    }),
  };
  for (const name of ['author', 'imageUrl', 'language', 'source', 'copyright']) {
    const v = value(form, name);
    if (v) body[name] = v;
  }
  // Typed in the editor's time zone, sent as an instant.
  const publishedAt = instantOf(form.elements.namedItem('publishedAt') as HTMLInputElement | null);
  if (publishedAt) body.publishedAt = publishedAt;
  return body;
}

export const value = (form: HTMLFormElement, name: string) =>
  (form.elements.namedItem(name) as HTMLInputElement | null)?.value.trim() ?? '';

/** A field exactly as typed: passwords keep their spaces. */
export const secret = (form: HTMLFormElement, name: string) =>
  (form.elements.namedItem(name) as HTMLInputElement | null)?.value ?? '';

/** The same slot filling as the server's pages. */
export { fill } from '../../src/http/i18n/lang.js';

export function onSubmit(
  form: HTMLFormElement | null,
  handler: (form: HTMLFormElement) => Promise<void>,
) {
  form?.addEventListener('submit', (event) => {
    event.preventDefault();
    // Empty required fields, malformed URLs or e-mails and slugs that do not match
    // their pattern are told at once (the pattern's rule in the page's language, the
    // rest in the browser's); the server's checks (and their messages) still follow.
    const invalid = Array.from(form.elements).filter((el): el is HTMLInputElement =>
      el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement
        ? el.validity.valueMissing || el.validity.typeMismatch || el.validity.patternMismatch
        : false,
    );
    if (invalid.length)
      return showProblem(form, {
        errors: invalid.map((el) => ({
          field: el.name,
          message:
            el.validity.patternMismatch && el.dataset.patternMessage
              ? el.dataset.patternMessage
              : el.validationMessage,
        })),
      });
    const button = form.querySelector<HTMLButtonElement>('button[type="submit"]');
    if (button) button.disabled = true;
    handler(form)
      .catch(() => showProblem(form, null, t.networkError))
      .finally(() => {
        if (button) button.disabled = false;
      });
  });
}
