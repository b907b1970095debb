/** A new episode: prefill from the article, drop the recording, upload with progress. */
import { formatByteSize } from './byte-sizes.js';
import { onUploadSubmit } from './episode-upload.js';
import { $, api, clearErrors, onSubmit, showProblem, t, value, type Problem } from './forms.js';
import { setInstant } from './instants.js';

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
  // An instant, shown in the editor's time zone.
  setInstant(
    target.elements.namedItem('publishedAt') as HTMLInputElement,
    meta.publishedAt as string | null,
  );
  set('categories', meta.categories);
  set('imageUrl', meta.imageUrl);
  chooseLanguage(
    target.elements.namedItem('language') as HTMLSelectElement,
    meta.language as string | null,
  );
  set('source', meta.source);
  status.textContent = t.prefilled!;
});

/** The article's language among the choices: its tag, else its base language ("fr" for "fr-FR"). */
function chooseLanguage(select: HTMLSelectElement | null, tag: string | null | undefined) {
  if (!select || !tag) return;
  const options = Array.from(select.options);
  const found =
    options.find((o) => o.value.toLowerCase() === tag.toLowerCase()) ??
    options.find((o) => o.value === tag.split('-')[0]!.toLowerCase());
  if (found) found.selected = true;
}

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
