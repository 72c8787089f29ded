// The results' charts as inline SVG, no charting library: outcomes, the hasher mix, verified
// and unverified identities, and the MFA share. Each chart is a <figure> with a caption, an
// SVG (role="img", a <title> and an aria-label with the numbers) and a legend table that is
// the chart's text equivalent. Elements are made with createElementNS/createElement and text
// is set with textContent only; colours come from CSS classes (style.css), never inline styles.
//
// chartModels() is pure (no DOM), so Node tests check the numbers.

const SVG = 'http://www.w3.org/2000/svg';
/** Distinct hashers drawn before the rest are grouped as "other". */
const MAX_HASHERS = 6;

/**
 * @typedef {{label: string, value: number, tone: string}} Segment
 * @typedef {{label: string, segments: Segment[]}} Bar
 * @typedef {{id: string, title: string, kind: 'bars' | 'donut', bars: Bar[], note?: string}} ChartModel
 */

const percent = (part, whole) => (whole > 0 ? (100 * part) / whole : 0);
const pctText = (part, whole) => {
  const p = percent(part, whole);
  return `${p > 0 && p < 1 ? '<1' : Math.round(p)}%`;
};
const number = (n) => Number(n ?? 0).toLocaleString('en');

/**
 * The four charts' data from report.json's summary and stats.
 * @param {{records: number, converted: number, deferred: number, rejected: number}} summary
 * @param {{hashers?: Record<string, number>, emailsVerified?: number, emailsUnverified?: number,
 *   phonesVerified?: number, phonesUnverified?: number, usersWithTotp?: number} | null} stats
 * @returns {ChartModel[]}
 */
export function chartModels(summary, stats) {
  const s = stats ?? {};
  const outcomes = {
    id: 'outcomes',
    title: 'Outcomes',
    kind: 'bars',
    bars: [{
      label: 'Records',
      segments: [
        { label: 'converted', value: summary.converted, tone: 'ok' },
        { label: 'deferred', value: summary.deferred, tone: 'warn' },
        { label: 'rejected', value: summary.rejected, tone: 'bad' },
      ],
    }],
  };
  const hashers = Object.entries(s.hashers ?? {}).sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  const shown = hashers.slice(0, MAX_HASHERS);
  const rest = hashers.slice(MAX_HASHERS).reduce((n, [, v]) => n + v, 0);
  const hasherSegments = shown.map(([name, value], i) => ({ label: name === 'none' ? 'no password' : name, value, tone: name === 'none' ? 'none' : `c${i + 1}` }));
  if (rest > 0) hasherSegments.push({ label: `other (${hashers.length - MAX_HASHERS} hashers)`, value: rest, tone: 'other' });
  const mix = { id: 'hashers', title: 'Password hashers', kind: 'bars', bars: [{ label: 'Users', segments: hasherSegments }] };
  const identities = {
    id: 'identities',
    title: 'Verified identities',
    kind: 'bars',
    bars: [
      { label: 'Emails', segments: [{ label: 'verified', value: s.emailsVerified ?? 0, tone: 'ok' }, { label: 'unverified', value: s.emailsUnverified ?? 0, tone: 'warn' }] },
      { label: 'Phones', segments: [{ label: 'verified', value: s.phonesVerified ?? 0, tone: 'ok' }, { label: 'unverified', value: s.phonesUnverified ?? 0, tone: 'warn' }] },
    ],
  };
  const totp = s.usersWithTotp ?? 0;
  const mfa = {
    id: 'mfa',
    title: 'MFA (TOTP) share',
    kind: 'donut',
    bars: [{ label: 'Records', segments: [{ label: 'with TOTP', value: totp, tone: 'c1' }, { label: 'without TOTP', value: Math.max(0, summary.records - totp), tone: 'none' }] }],
  };
  return [outcomes, mix, identities, mfa];
}

/** One sentence with every number of a chart, for its aria-label. */
export function describeChart(model) {
  const bars = model.bars.map((bar) => {
    const total = bar.segments.reduce((n, x) => n + x.value, 0);
    if (total === 0) return `${bar.label}: none`;
    return `${bar.label}: ${bar.segments.map((x) => `${number(x.value)} ${x.label} (${pctText(x.value, total)})`).join(', ')}`;
  });
  return `${model.title}. ${bars.join('; ')}.`;
}

function svgEl(name, attrs = {}) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

function svgRoot(model, attrs) {
  const titleId = `chart-${model.id}-title`;
  const svg = svgEl('svg', { role: 'img', 'aria-labelledby': titleId, 'aria-label': describeChart(model), class: `chart-svg ${model.kind}`, ...attrs });
  const title = svgEl('title', { id: titleId });
  title.textContent = describeChart(model);
  svg.append(title);
  return svg;
}

const BAR_HEIGHT = 22;
const ROW_GAP = 26;

/** Horizontal 100% stacked bars, one per row; widths in %, so the SVG fits any width without scaling text. */
function barsSvg(model) {
  const labelled = model.bars.length > 1;
  const rowHeight = BAR_HEIGHT + (labelled ? 18 : 0);
  const height = model.bars.length * rowHeight + (model.bars.length - 1) * (ROW_GAP - BAR_HEIGHT);
  const svg = svgRoot(model, { width: '100%', height });
  model.bars.forEach((bar, row) => {
    const top = row * (rowHeight + ROW_GAP - BAR_HEIGHT);
    if (labelled) {
      const label = svgEl('text', { x: 0, y: top + 13, class: 'chart-label' });
      const total = bar.segments.reduce((n, x) => n + x.value, 0);
      label.textContent = `${bar.label} (${number(total)})`;
      svg.append(label);
    }
    const y = top + (labelled ? 18 : 0);
    const total = bar.segments.reduce((n, x) => n + x.value, 0);
    svg.append(svgEl('rect', { x: '0%', y, width: '100%', height: BAR_HEIGHT, class: 'seg-track', rx: 3 }));
    let start = 0;
    for (const seg of bar.segments) {
      const w = percent(seg.value, total);
      if (w <= 0) continue;
      svg.append(svgEl('rect', { x: `${start}%`, y, width: `${w}%`, height: BAR_HEIGHT, class: `seg seg-${seg.tone}` }));
      start += w;
    }
  });
  return svg;
}

/** A donut for a share of a whole: the first segment of the first bar against the total. */
function donutSvg(model) {
  const [part, ...others] = model.bars[0].segments;
  const total = part.value + others.reduce((n, x) => n + x.value, 0);
  const svg = svgRoot(model, { width: 120, height: 120, viewBox: '0 0 42 42' });
  const r = 100 / (2 * Math.PI); // circumference 100, so the dash length is the percentage
  svg.append(svgEl('circle', { cx: 21, cy: 21, r, class: 'donut-track', fill: 'none', 'stroke-width': 6 }));
  const p = percent(part.value, total);
  if (p > 0) {
    svg.append(svgEl('circle', {
      cx: 21, cy: 21, r, class: `donut-seg seg-${part.tone}`, fill: 'none', 'stroke-width': 6,
      'stroke-dasharray': `${p} ${100 - p}`, 'stroke-dashoffset': 25,
    }));
  }
  const text = svgEl('text', { x: 21, y: 21, class: 'donut-text', 'text-anchor': 'middle', 'dominant-baseline': 'central' });
  text.textContent = total > 0 ? pctText(part.value, total) : '–';
  svg.append(text);
  return svg;
}

/** The legend table: the chart's numbers as text. */
function legendTable(model) {
  const grouped = model.bars.length > 1;
  const table = document.createElement('table');
  table.className = 'legend';
  const caption = document.createElement('caption');
  caption.className = 'visually-hidden';
  caption.textContent = `${model.title}: numbers`;
  const head = document.createElement('thead');
  const hr = document.createElement('tr');
  for (const h of [...(grouped ? ['Group'] : []), 'Item', 'Count', 'Share']) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = h;
    hr.append(th);
  }
  head.append(hr);
  const body = document.createElement('tbody');
  for (const bar of model.bars) {
    const total = bar.segments.reduce((n, x) => n + x.value, 0);
    for (const seg of bar.segments) {
      const tr = document.createElement('tr');
      if (grouped) {
        const group = document.createElement('td');
        group.textContent = bar.label;
        tr.append(group);
      }
      const item = document.createElement('th');
      item.scope = 'row';
      const swatch = document.createElement('span');
      swatch.className = `swatch seg-${seg.tone}`;
      swatch.setAttribute('aria-hidden', 'true');
      item.append(swatch, document.createTextNode(seg.label));
      const count = document.createElement('td');
      count.textContent = number(seg.value);
      const share = document.createElement('td');
      share.textContent = total > 0 ? pctText(seg.value, total) : '–';
      tr.append(item, count, share);
      body.append(tr);
    }
  }
  table.append(caption, head, body);
  return table;
}

/** Replaces `container`'s children with one figure per chart. */
export function renderCharts(container, summary, stats) {
  const figures = chartModels(summary, stats).map((model) => {
    const figure = document.createElement('figure');
    figure.className = `chart chart-${model.kind}`;
    figure.dataset.chart = model.id;
    const caption = document.createElement('figcaption');
    caption.textContent = model.title;
    const svg = model.kind === 'donut' ? donutSvg(model) : barsSvg(model);
    figure.append(caption, svg, legendTable(model));
    return figure;
  });
  container.replaceChildren(...figures);
}
