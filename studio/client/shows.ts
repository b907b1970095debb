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
import { artworkProblem } from './artwork.js';

/** The Apple subcategory of the chosen category option (pages/choices.ts), or null. */
const subcategory = (form: HTMLFormElement): string | null =>
  (form.elements.namedItem('category') as HTMLSelectElement | null)?.selectedOptions[0]?.dataset
    .subcategory ?? null;

// New show; its artwork file, if chosen, is checked first and sent as the settings page sends it.
onSubmit($<HTMLFormElement>('#show-form'), async (form) => {
  const optional = (name: string) => value(form, name) || undefined;
  const artwork = (form.elements.namedItem('artwork') as HTMLInputElement | null)?.files?.[0];
  if (artwork) {
    const problem = await artworkProblem(artwork);
    if (problem) return showProblem(form, { errors: [{ field: 'artwork', message: problem }] });
  }
  const body = {
    slug: value(form, 'slug'),
    title: value(form, 'title'),
    description: value(form, 'description'),
    author: value(form, 'author'),
    owner: { name: value(form, 'owner.name'), email: value(form, 'owner.email') },
    category: value(form, 'category'),
    subcategory: subcategory(form) ?? undefined,
    siteUrl: value(form, 'siteUrl'),
    imageUrl: artwork ? undefined : optional('imageUrl'),
    language: optional('language'),
  };
  const res = await api('POST', '/api/shows', body);
  if (!res.ok) return showProblem(form, res.data as Problem);
  const show = `/studio/shows/${encodeURIComponent(body.slug)}`;
  if (artwork) {
    const sent = await api('PUT', `/api/shows/${encodeURIComponent(body.slug)}/artwork`, artwork);
    // The show exists; its settings page offers the artwork upload again.
    if (!sent.ok) return location.assign(`${show}/settings#artwork-heading`);
  }
  location.assign(show);
});

// A show's settings: only what the form holds is sent (PATCH), the slug never changes.
onSubmit($<HTMLFormElement>('#show-settings-form'), async (form) => {
  const status = $('#show-settings-status')!;
  status.textContent = '';
  // An empty optional field clears it: the API reads "" as none.
  const optional = (name: string) => value(form, name);
  const res = await api('PATCH', `/api/shows/${encodeURIComponent(form.dataset.show ?? '')}`, {
    title: value(form, 'title'),
    description: value(form, 'description'),
    author: value(form, 'author'),
    owner: { name: value(form, 'owner.name'), email: value(form, 'owner.email') },
    category: value(form, 'category'),
    subcategory: subcategory(form) ?? '',
    siteUrl: value(form, 'siteUrl'),
    language: value(form, 'language') || 'fr',
    copyright: optional('copyright'),
    type: value(form, 'type'),
    explicit: (form.elements.namedItem('explicit') as HTMLInputElement).checked,
  });
  settle(form, res, status, t.saved!);
});

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

// Moving the feed: a new slug (the old address redirects), or a feed on another host.
onSubmit($<HTMLFormElement>('#feed-move-form'), async (form) => {
  const status = $('#feed-move-status')!;
  status.textContent = '';
  const current = form.dataset.show ?? '';
  const slug = value(form, 'slug');
  const res = await api('PATCH', `/api/shows/${encodeURIComponent(current)}/feed-location`, {
    slug,
    newFeedUrl: value(form, 'newFeedUrl') || null,
  });
  // The settings page has moved with the show.
  if (res.ok && slug !== current)
    return location.assign(`/studio/shows/${encodeURIComponent(slug)}/settings`);
  settle(form, res, status, t.feedMoved!);
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
