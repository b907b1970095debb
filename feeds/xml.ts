/**
 * A minimal streaming XML writer: every text and attribute goes through an
 * escaper, so `<script>`, `&` and `]]>` in an editor's text stay text, and
 * characters XML 1.0 forbids (control characters, lone surrogates) are dropped.
 * Written for speed: a 10,000-item feed is one array join.
 */
const FORBIDDEN = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const TEXT_SPECIAL = /[&<>]/g;
const ATTR_SPECIAL = /[&<>"\t\n\r]/g;
const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

/** Cheap pre-check (no `u` flag): most strings need no work at all. */
/* eslint-disable no-control-regex -- matching control characters is the point */
const MAY_NEED_TEXT = /[&<>\x00-\x08\x0B\x0C\x0E-\x1F\uD800-\uDFFF\uFFFE\uFFFF]/;
const MAY_NEED_ATTR = /[&<>"\x00-\x1F\uD800-\uDFFF\uFFFE\uFFFF]/;
const MAY_BE_FORBIDDEN = /[\x00-\x08\x0B\x0C\x0E-\x1F\uD800-\uDFFF\uFFFE\uFFFF]/;
/* eslint-enable no-control-regex */

export function escapeText(value: string): string {
  if (!MAY_NEED_TEXT.test(value)) return value;
  const clean = MAY_BE_FORBIDDEN.test(value) ? value.replace(FORBIDDEN, '') : value;
  return clean.replace(TEXT_SPECIAL, (c) => ENTITIES[c]!);
}

export function escapeAttr(value: string): string {
  if (!MAY_NEED_ATTR.test(value)) return value;
  const clean = MAY_BE_FORBIDDEN.test(value) ? value.replace(FORBIDDEN, '') : value;
  return clean.replace(ATTR_SPECIAL, (c) => ENTITIES[c]!);
}

export type Attrs = Readonly<Record<string, string | number | boolean | null | undefined>>;

export class XmlWriter {
  private readonly parts: string[];
  private depth: number;

  /** `depth` > 0 writes a fragment (no declaration) to be joined into a document. */
  constructor(depth = 0) {
    this.depth = depth;
    this.parts = depth === 0 ? ['<?xml version="1.0" encoding="UTF-8"?>\n'] : [];
  }

  private attrs(attrs?: Attrs): string {
    if (!attrs) return '';
    let out = '';
    for (const [name, value] of Object.entries(attrs)) {
      if (value === null || value === undefined) continue;
      out += ` ${name}="${escapeAttr(String(value))}"`;
    }
    return out;
  }

  private indent(): string {
    return '  '.repeat(this.depth);
  }

  open(name: string, attrs?: Attrs): this {
    this.parts.push(`${this.indent()}<${name}${this.attrs(attrs)}>\n`);
    this.depth++;
    return this;
  }

  close(name: string): this {
    this.depth--;
    this.parts.push(`${this.indent()}</${name}>\n`);
    return this;
  }

  /** `<name attrs>text</name>`; skipped when text is null or undefined. */
  text(name: string, text: string | number | null | undefined, attrs?: Attrs): this {
    if (text === null || text === undefined) return this;
    this.parts.push(
      `${this.indent()}<${name}${this.attrs(attrs)}>${escapeText(String(text))}</${name}>\n`,
    );
    return this;
  }

  empty(name: string, attrs?: Attrs): this {
    this.parts.push(`${this.indent()}<${name}${this.attrs(attrs)}/>\n`);
    return this;
  }

  toString(): string {
    return this.parts.join('');
  }
}
