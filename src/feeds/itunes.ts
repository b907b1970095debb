/** MIME types as Apple's feed spec lists them for enclosures. */
export function appleMimeType(mimeType: string): string {
  if (mimeType === 'audio/mp4' || mimeType === 'audio/m4a') return 'audio/x-m4a';
  return mimeType;
}

/** `itunes:duration` in whole seconds, as Apple recommends. */
export function itunesDuration(seconds: number): string {
  return String(Math.max(1, Math.round(seconds)));
}
