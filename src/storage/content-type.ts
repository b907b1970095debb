import { lookup as mimeLookup } from 'mime-types';

/** Apple lists `audio/x-m4a` for M4A enclosures; mime-types would say audio/mp4. */
const TYPE_OVERRIDES: Record<string, string> = {
  m4a: 'audio/x-m4a',
  // podcast:transcript types, as the namespace lists them.
  vtt: 'text/vtt; charset=utf-8',
  srt: 'application/srt; charset=utf-8',
};

/** The Content-Type an object is stored and served with, from its key's extension. */
export function contentTypeFor(key: string): string {
  // podcast:chapters files: the namespace's own type.
  if (key.endsWith('.chapters.json')) return 'application/json+chapters; charset=utf-8';
  const ext = key.slice(key.lastIndexOf('.') + 1).toLowerCase();
  return TYPE_OVERRIDES[ext] ?? (mimeLookup(key) || 'application/octet-stream');
}
