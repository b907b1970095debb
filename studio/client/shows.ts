/** A new show, a show's settings and its artwork. */
import {
  $,
  api,
  clearErrors,
  onSubmit,
  settle,
  showProblem,
  t,
  value,
  type Problem,
} from './forms.js';

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

// A show's settings: only what the form holds is sent (PATCH), the slug never changes.
onSubmit($<HTMLFormElement>('#show-settings-form'), async (form) => {
  const status = $('#show-settings-status')!;
  status.textContent = '';
  const optional = (name: string) => value(form, name) || null;
  const res = await api('PATCH', `/api/shows/${encodeURIComponent(form.dataset.show ?? '')}`, {
    title: value(form, 'title'),
    description: value(form, 'description'),
    author: value(form, 'author'),
    owner: { name: value(form, 'owner.name'), email: value(form, 'owner.email') },
    category: value(form, 'category'),
    subcategory: optional('subcategory'),
    siteUrl: value(form, 'siteUrl'),
    language: value(form, 'language') || 'fr',
    copyright: optional('copyright'),
    type: value(form, 'type'),
    explicit: (form.elements.namedItem('explicit') as HTMLInputElement).checked,
  });
  settle(form, res, status, t.saved!);
});

/** Apple's artwork rules, checked here first so the editor hears it in their language. */
async function artworkProblem(file: File): Promise<string | null> {
  if (file.type !== 'image/jpeg' && file.type !== 'image/png') return t.artworkWrongType!;
  let size: { width: number; height: number };
  try {
    const bitmap = await createImageBitmap(file);
    size = { width: bitmap.width, height: bitmap.height };
    bitmap.close();
  } catch {
    return t.artworkUnreadable!;
  }
  const say = (text: string) =>
    text.replace('{w}', String(size.width)).replace('{h}', String(size.height));
  if (size.width !== size.height) return say(t.artworkNotSquare!);
  if (size.width < 1400 || size.width > 3000) return say(t.artworkSize!);
  return null;
}

// Artwork: the file itself is the request body (PUT), as the API takes it.
onSubmit($<HTMLFormElement>('#artwork-form'), async (form) => {
  const input = form.elements.namedItem('artwork') as HTMLInputElement;
  const status = $('#artwork-status')!;
  status.textContent = '';
  const file = input.files?.[0];
  if (!file) return showProblem(form, { errors: [{ field: 'artwork', message: t.noFile! }] });
  const problem = await artworkProblem(file);
  if (problem) return showProblem(form, { errors: [{ field: 'artwork', message: problem }] });
  const res = await api(
    'PUT',
    `/api/shows/${encodeURIComponent(form.dataset.show ?? '')}/artwork`,
    file,
  );
  const body = res.data as Problem & { artworkUrl?: string };
  if (!res.ok) return showProblem(form, body);
  clearErrors(form);
  const current = $('#artwork-current')!;
  const img = document.createElement('img');
  img.id = 'artwork-current';
  img.src = body.artworkUrl ?? '';
  img.alt = t.currentArtwork!;
  img.width = 200;
  img.height = 200;
  current.replaceWith(img);
  status.textContent = t.artworkUploaded!;
});

// Topic feeds: create one for an article category; delete one.
onSubmit($<HTMLFormElement>('#topic-form'), async (form) => {
  const description = value(form, 'description');
  const res = await api(
    'POST',
    `/api/shows/${encodeURIComponent(form.dataset.show ?? '')}/topics`,
    {
      slug: value(form, 'slug'),
      title: value(form, 'title'),
      category: value(form, 'category'),
      ...(description ? { description } : {}),
    },
  );
  if (res.ok) return location.reload();
  showProblem(form, res.data as Problem);
});
document.querySelectorAll<HTMLButtonElement>('button.delete-topic').forEach((button) => {
  button.addEventListener('click', () => {
    const show = $<HTMLFormElement>('#topic-form')?.dataset.show ?? '';
    void api(
      'DELETE',
      `/api/shows/${encodeURIComponent(show)}/topics/${encodeURIComponent(button.dataset.topic ?? '')}`,
    ).then((res) => {
      if (res.ok) return location.reload();
      const p = res.data as Problem;
      $('#topic-delete-error')!.textContent = [p.title, p.detail].filter(Boolean).join(' — ');
    });
  });
});
