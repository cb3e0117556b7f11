/** CSV as RFC 4180 says it: CRLF rows, fields quoted when they hold a comma, quote or line break. */

export type CsvValue = string | number | boolean | null;

/**
 * A text field that starts like a formula (= + - @, tab, CR) gets a leading apostrophe: titles come from
 * monitors, and a spreadsheet would otherwise run them (OWASP "CSV injection"). Numbers pass untouched.
 */
export function csvField(value: CsvValue): string {
  if (value === null) return '';
  if (typeof value !== 'string') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvRow(values: readonly CsvValue[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}
