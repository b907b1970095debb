/**
 * Instants in the editor's time zone: a datetime-local input shows the wall-clock
 * time of an instant where the browser is, and what the editor types there is read
 * back as an unambiguous instant (ISO 8601 in UTC) for the API.
 */
const two = (n: number) => String(n).padStart(2, '0');

/** "2018-05-31T09:30" for 07:30 UTC in Paris: what a datetime-local input holds. */
export function localInputValue(at: Date): string {
  return `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())}T${two(at.getHours())}:${two(at.getMinutes())}`;
}

/** Shows `iso` in the input, and remembers it to send it back untouched (seconds included). */
export function setInstant(input: HTMLInputElement, iso: string | null | undefined): void {
  const at = iso ? new Date(iso) : null;
  if (!at || Number.isNaN(at.getTime())) return;
  input.value = localInputValue(at);
  input.dataset.instant = at.toISOString();
}

/** The instant the input stands for, or '' when it is empty. */
export function instantOf(input: HTMLInputElement | null): string {
  if (!input?.value) return '';
  const kept = input.dataset.instant;
  if (kept && localInputValue(new Date(kept)) === input.value) return kept;
  // A date-time without an offset is read in the browser's time zone.
  const at = new Date(input.value);
  return Number.isNaN(at.getTime()) ? '' : at.toISOString();
}

/** The browser's time zone, as the hints name it ("Europe/Paris"). */
export const timeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;
