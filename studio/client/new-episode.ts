/** A new episode: prefill from the article, drop the recording, upload with progress. */
import { formatByteSize } from './byte-sizes.js';
import { onUploadSubmit } from './episode-upload.js';
import { $, api, clearErrors, onSubmit, showProblem, t, value, type Problem } from './forms.js';

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

// New episode: drop zone, resumable upload with progress, then the episode's page.
const episodeForm = $<HTMLFormElement>('#episode-form');
if (episodeForm) {
  let file: File | null = null;
  const zone = $('#dropzone')!;
  const input = $<HTMLInputElement>('#f-audio')!;
  const lang = document.documentElement.lang || 'fr';
  const choose = (f: File | undefined) => {
    file = f ?? null;
    $('#file-name')!.textContent = file ? `${file.name} (${formatByteSize(lang, file.size)})` : '';
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

  onUploadSubmit(episodeForm, () => file, lang);
}
