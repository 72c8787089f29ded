// The diagnostics table: filter by code and severity, search the text, and show one page at
// a time, so 100,000 diagnostics cost one pass of string comparisons per keystroke and a
// hundred table rows in the DOM. Every value is written with textContent.

export const PAGE_SIZE = 100;

/**
 * Indexes of the diagnostics that pass the filters, in report order.
 * @param {{code: string, severity: string, record?: number, line?: number, userId?: string, message: string}[]} rows
 * @param {{code?: string, severity?: string, query?: string}} filter
 * @param {string[]} [haystacks] lower-cased search text per row (built once by searchText)
 */
export function filterDiagnostics(rows, { code = '', severity = '', query = '' }, haystacks = rows.map(searchText)) {
  const q = query.trim().toLowerCase();
  const out = [];
  for (let i = 0; i < rows.length; i++) {
    const d = rows[i];
    if (code && d.code !== code) continue;
    if (severity && d.severity !== severity) continue;
    if (q && !haystacks[i].includes(q)) continue;
    out.push(i);
  }
  return out;
}

/** What the search box matches for one diagnostic. */
export const searchText = (d) => `${d.code}\n${d.severity}\n${d.record ?? ''}\n${d.line ?? ''}\n${d.userId ?? ''}\n${d.message}`.toLowerCase();

const SEVERITY_ORDER = ['error', 'warning', 'info'];

export class DiagnosticsTable {
  /** @param {{tbody: HTMLElement, code: HTMLSelectElement, severity: HTMLSelectElement, search: HTMLInputElement, count: HTMLElement, page: HTMLElement, prev: HTMLButtonElement, next: HTMLButtonElement}} el */
  constructor(el) {
    this.el = el;
    this.rows = [];
    this.haystacks = [];
    this.matches = [];
    this.pageIndex = 0;
    el.code.addEventListener('change', () => this.refilter());
    el.severity.addEventListener('change', () => this.refilter());
    let timer = 0;
    el.search.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(() => this.refilter(), 120);
    });
    el.prev.addEventListener('click', () => this.show(this.pageIndex - 1));
    el.next.addEventListener('click', () => this.show(this.pageIndex + 1));
  }

  /** Replaces the data: fills the code and severity choices and shows the first page. */
  load(rows) {
    this.rows = rows;
    this.haystacks = rows.map(searchText);
    const count = (key) => {
      const m = new Map();
      for (const d of rows) m.set(d[key], (m.get(d[key]) ?? 0) + 1);
      return m;
    };
    fillSelect(this.el.code, 'all codes', [...count('code')].sort(([a], [b]) => a.localeCompare(b)));
    fillSelect(this.el.severity, 'all severities', [...count('severity')].sort(([a], [b]) => rank(a) - rank(b)));
    this.el.search.value = '';
    this.refilter();
  }

  refilter() {
    this.matches = filterDiagnostics(
      this.rows,
      { code: this.el.code.value, severity: this.el.severity.value, query: this.el.search.value },
      this.haystacks,
    );
    this.show(0);
  }

  show(pageIndex) {
    const pages = Math.max(1, Math.ceil(this.matches.length / PAGE_SIZE));
    this.pageIndex = Math.min(Math.max(0, pageIndex), pages - 1);
    const start = this.pageIndex * PAGE_SIZE;
    const slice = this.matches.slice(start, start + PAGE_SIZE);
    const body = document.createDocumentFragment();
    for (const i of slice) {
      const d = this.rows[i];
      const tr = document.createElement('tr');
      tr.className = `sev-${String(d.severity).replace(/[^a-z]/g, '')}`;
      for (const value of [d.code, d.severity, d.record, d.line, d.userId, d.message]) {
        const td = document.createElement('td');
        td.textContent = value === undefined || value === null ? '' : String(value);
        tr.append(td);
      }
      body.append(tr);
    }
    if (slice.length === 0) {
      const tr = document.createElement('tr');
      const td = document.createElement('td');
      td.colSpan = 6;
      td.className = 'empty';
      td.textContent = this.rows.length ? 'No diagnostic matches the filters.' : 'No diagnostics: every record converted cleanly.';
      tr.append(td);
      body.append(tr);
    }
    this.el.tbody.replaceChildren(body);
    const total = this.rows.length;
    this.el.count.textContent = this.matches.length === total
      ? `${total.toLocaleString('en')} diagnostic${total === 1 ? '' : 's'}`
      : `${this.matches.length.toLocaleString('en')} of ${total.toLocaleString('en')} diagnostics match`;
    this.el.page.textContent = this.matches.length
      ? `${(start + 1).toLocaleString('en')}–${(start + slice.length).toLocaleString('en')} of ${this.matches.length.toLocaleString('en')} (page ${this.pageIndex + 1} of ${pages})`
      : '';
    this.el.prev.disabled = this.pageIndex === 0;
    this.el.next.disabled = this.pageIndex >= pages - 1;
  }
}

const rank = (severity) => {
  const i = SEVERITY_ORDER.indexOf(severity);
  return i < 0 ? SEVERITY_ORDER.length : i;
};

function fillSelect(select, allLabel, entries) {
  const options = [new Option(allLabel, '')];
  for (const [value, n] of entries) options.push(new Option(`${value} (${n.toLocaleString('en')})`, value));
  select.replaceChildren(...options);
  select.value = '';
}
