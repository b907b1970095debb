/**
 * HTML for every page the service renders (studio, player, public pages): a tagged
 * template that escapes each interpolated value (escape-html: & < > " '), so markup
 * is never concatenated from input by hand. Only `SafeHtml` passes through as is:
 * what this template made, or what `raw()` marks as trusted (sanitiser output,
 * a fixed style). Attribute values must be quoted in the templates.
 */
import escapeHtml from 'escape-html';

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** What a template accepts: null, undefined and false render nothing; arrays are joined. */
export type HtmlValue =
  string | number | SafeHtml | null | undefined | false | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return (value as readonly HtmlValue[]).map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return new SafeHtml(out);
}

/** Marks markup that is already safe (sanitize-html output, a fixed style): never user input. */
export const raw = (markup: string): SafeHtml => new SafeHtml(markup);

/** Attribute values for an element: each escaped; `true` writes the bare name, false/null nothing. */
export type Attributes = Readonly<Record<string, string | number | boolean | null | undefined>>;

export function attributes(attrs: Attributes | undefined): SafeHtml {
  const parts: SafeHtml[] = [];
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`Not an attribute name: ${name}`);
    if (value === true) parts.push(html` ${raw(name)}`);
    else if (value !== false && value !== null && value !== undefined)
      parts.push(html` ${raw(name)}="${value}"`);
  }
  return html`${parts}`;
}

/**
 * JSON inside a <script> element (JSON-LD, a page's strings): `<`, `>`, `&` and the
 * JS line separators are written as \u escapes, so no value can close the element.
 */
export function jsonForScript(value: unknown): SafeHtml {
  return new SafeHtml(
    JSON.stringify(value)
      .replace(/</g, '\\u003c')
      .replace(/>/g, '\\u003e')
      .replace(/&/g, '\\u0026')
      .replace(/\u2028/g, '\\u2028')
      .replace(/\u2029/g, '\\u2029'),
  );
}

/** Only http(s) URLs end up in href/src: anything else (javascript:, data:) becomes null. */
export function safeUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}
