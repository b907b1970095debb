/**
 * The characters text may hold: those XML 1.0 can carry (§2.2 `Char`). Every
 * text field ends up in a feed, an oEmbed XML answer or a page, so the same
 * rule serves both ends: inputs holding anything else are refused (naming the
 * field), and outputs drop it from data stored before the rule existed.
 *
 * Outside the rule: C0 controls but tab, LF and CR (NUL among them), lone
 * UTF-16 surrogates (what JSON's "\ud800" becomes), U+FFFE and U+FFFF.
 */
const NOT_XML_CHAR = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const NOT_XML_CHARS = new RegExp(NOT_XML_CHAR.source, 'gu');

/** `text` without the characters XML 1.0 cannot carry (dropped, not escaped: there is no escape). */
export function xmlSafeText(text: string): string {
  return text.replace(NOT_XML_CHARS, '');
}

const hex = (codePoint: number) => `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;

/** Why `text` cannot be taken as text, in an editor's words; null when it can. */
export function textProblem(text: string): string | null {
  const found = NOT_XML_CHAR.exec(text);
  if (!found) return null;
  const codePoint = found[0].codePointAt(0)!;
  // Counted in characters as an editor sees them, not UTF-16 units.
  const where = `at position ${[...text.slice(0, found.index)].length + 1}`;
  if (codePoint === 0) {
    return `contains a NUL character (U+0000) ${where}, which text cannot hold: remove it`;
  }
  if (codePoint >= 0xd800 && codePoint <= 0xdfff) {
    return `contains a broken character (an unpaired surrogate, ${hex(codePoint)}) ${where}: retype or remove it`;
  }
  if (codePoint < 0x20) {
    return `contains an invisible control character (${hex(codePoint)}) ${where} that feeds cannot carry: remove it`;
  }
  return `contains ${hex(codePoint)} ${where}, which is not a character: remove it`;
}

/** One string of an input that breaks the rule, with its path inside the input. */
export interface TextProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/**
 * Every string in `value` (walking arrays and plain objects, whatever their
 * prototype) that breaks the rule. Keys are not checked: unknown keys are
 * dropped or refused by the schemas, never stored.
 */
export function textProblems(value: unknown, path: (string | number)[] = []): TextProblem[] {
  if (typeof value === 'string') {
    const message = textProblem(value);
    return message ? [{ path, message }] : [];
  }
  if (Array.isArray(value)) return value.flatMap((item, i) => textProblems(item, [...path, i]));
  if (isRecord(value)) {
    return Object.entries(value).flatMap(([key, item]) => textProblems(item, [...path, key]));
  }
  return [];
}

/** Plain objects only: parsed JSON, multipart fields, query strings (null prototype). Not Dates or Buffers. */
function isRecord(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
