// rejected.csv: one row per rejected record, built from report.json's diagnostics. Pure
// functions over plain values (no DOM), so Node tests check them.
//
// Which records are rejected: every record with an error diagnostic, except a record deferred
// to lazy migration (its one error is the unsupported hasher, "…; deferred to lazy migration at
// sign-in"). A rejected record with several errors (the core's messages, say) is one row: its
// codes and messages joined with " | ", in report order.
//
// Spreadsheet safety (OWASP, "CSV Injection"): a cell that starts with `=`, `+`, `-`, `@`, TAB
// or CR would be read as a formula by Excel, LibreOffice or Google Sheets, so it is written with
// a single quote `'` in front (`=HYPERLINK(…)` becomes `'=HYPERLINK(…)`). The quote shows in
// the cell; the text after it is exactly the original. Numbers we write ourselves (record,
// line) are never negative, so they are left as they are. Then RFC 4180: every cell is quoted
// when it holds a comma, a double quote, CR or LF, with inner double quotes doubled; rows end
// with CRLF.

export const REJECTED_HEADER = ['record', 'line', 'userId', 'code', 'message'];

const FORMULA_START = /^[=+\-@\t\r]/;

/** A cell safe to open in a spreadsheet: formula triggers neutralised with a leading `'`. */
export function neutralise(value) {
  const text = value === undefined || value === null ? '' : String(value);
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** One RFC 4180 field: quoted when it holds a comma, a double quote, CR or LF. */
export function quote(text) {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line (CRLF-terminated) from raw values: neutralised, then quoted. */
export const csvLine = (values) => `${values.map((v) => quote(neutralise(v))).join(',')}\r\n`;

/** The deferral diagnostic: the one error a deferred (not rejected) record carries. */
const isDeferral = (d) => d.code === 'unsupported-hasher' && / deferred to lazy migration at sign-in$/.test(d.message ?? '');

/**
 * The rejected records, in record order, one entry each.
 * @param {{record?: number, line?: number, userId?: string, code: string, severity: string, message: string}[]} diagnostics
 * @returns {{record: number, line?: number, userId?: string, codes: string[], messages: string[]}[]}
 */
export function rejectedRecords(diagnostics) {
  /** @type {Map<number, {record: number, line?: number, userId?: string, codes: string[], messages: string[], deferred: boolean}>} */
  const byRecord = new Map();
  for (const d of diagnostics) {
    if (d.severity !== 'error' || d.record === undefined || d.record === null) continue;
    let r = byRecord.get(d.record);
    if (!r) byRecord.set(d.record, (r = { record: d.record, line: d.line, userId: d.userId, codes: [], messages: [], deferred: false }));
    if (isDeferral(d)) r.deferred = true;
    r.userId ??= d.userId;
    if (!r.codes.includes(d.code)) r.codes.push(d.code);
    r.messages.push(d.message);
  }
  return [...byRecord.values()]
    .filter((r) => !r.deferred)
    .sort((a, b) => a.record - b.record)
    .map(({ deferred: _deferred, ...r }) => r);
}

/** rejected.csv's text: the header, then one line per rejected record. */
export function rejectedCsv(diagnostics) {
  let text = csvLine(REJECTED_HEADER);
  for (const r of rejectedRecords(diagnostics)) {
    text += csvLine([r.record, r.line, r.userId, r.codes.join(' | '), r.messages.join(' | ')]);
  }
  return text;
}
