/**
 * `fill` for markup: a catalogue sentence whose slots take elements (a `<time>` the
 * browser turns into local time) as well as text. The sentence's own text and every
 * string value are escaped; only SafeHtml values pass as they are.
 */
import { html, type HtmlValue, type SafeHtml } from '../../src/http/html.js';

export function fillHtml(template: string, values: Readonly<Record<string, HtmlValue>>): SafeHtml {
  const parts: HtmlValue[] = [];
  let last = 0;
  for (const match of template.matchAll(/\{(\w+)\}/g)) {
    const key = match[1]!;
    if (!(key in values)) continue;
    parts.push(template.slice(last, match.index), values[key]);
    last = match.index + match[0].length;
  }
  parts.push(template.slice(last));
  return html`${parts}`;
}
