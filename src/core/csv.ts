/**
 * CSV text (RFC 4180) for spreadsheet exports: a field is quoted when it holds the
 * separator, a quote or a line break, quotes doubled; lines end with CRLF. Text that
 * a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a leading
 * apostrophe (OWASP "CSV injection"): a title is data, never a formula. Numbers pass as is.
 */
export type CsvSeparator = ',' | ';';
export type CsvCell = string | number | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvField(value: CsvCell, separator: CsvSeparator): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return text.includes(separator) || /["\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A header row and data rows as CSV text, one CRLF after each line. */
export function toCsv(rows: readonly (readonly CsvCell[])[], separator: CsvSeparator): string {
  return rows
    .map((row) => row.map((v) => csvField(v, separator)).join(separator) + '\r\n')
    .join('');
}
