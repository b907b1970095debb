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

export function escapeText(value: string): string {
  return value.replace(FORBIDDEN, '').replace(TEXT_SPECIAL, (c) => ENTITIES[c]!);
}

export function escapeAttr(value: string): string {
  return value.replace(FORBIDDEN, '').replace(ATTR_SPECIAL, (c) => ENTITIES[c]!);
}

export type Attrs = Readonly<Record<string, string | number | boolean | null | undefined>>;

export class XmlWriter {
  private readonly parts: string[] = ['<?xml version="1.0" encoding="UTF-8"?>\n'];
  private depth = 0;

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
