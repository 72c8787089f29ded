// Progress reporting for submit: one updating line on a TTY (users staged of total, rate, ETA), plain lines
// otherwise, nothing in quiet mode. Messages never contain request bodies or the API key.

/**
 * @typedef {object} ProgressSink
 * @property {(text: string) => unknown} write
 */

/**
 * @typedef {object} Progress
 * @property {(staged: number, total: number, label?: string) => void} update  absolute count of staged users
 * @property {(line: string) => void} note    a line that must stay visible (retries, rejections)
 * @property {() => void} done
 */

/**
 * @param {{stream?: ProgressSink, isTTY?: boolean, quiet?: boolean, now?: () => number}} opts
 * @returns {Progress}
 */
export function createProgress({ stream, isTTY = false, quiet = false, now = Date.now }) {
  if (quiet || !stream) return { update() {}, note() {}, done() {} };
  const start = now();
  let startStaged = -1;
  let lineOpen = false;
  let lastLine = '';

  const format = (/** @type {number} */ staged, /** @type {number} */ total, /** @type {string | undefined} */ label) => {
    if (startStaged < 0) startStaged = staged;
    const elapsed = (now() - start) / 1000;
    const done = staged - startStaged;
    const rate = elapsed > 0 ? done / elapsed : 0;
    const pct = total > 0 ? Math.floor((staged / total) * 100) : 100;
    let text = `staged ${fmt(staged)} of ${fmt(total)} users (${pct}%)`;
    if (rate > 0) {
      text += `, ${fmt(Math.round(rate))} users/s`;
      if (staged < total) text += `, ETA ${duration((total - staged) / rate)}`;
    }
    if (label) text += ` [${label}]`;
    return text;
  };

  return {
    update(staged, total, label) {
      const text = format(staged, total, label);
      if (isTTY) {
        stream.write(`\r\x1b[2K${text}`);
        lineOpen = true;
      } else if (text !== lastLine) {
        stream.write(`${text}\n`);
      }
      lastLine = text;
    },
    note(line) {
      if (isTTY && lineOpen) {
        stream.write(`\r\x1b[2K${line}\n${lastLine}`);
      } else {
        stream.write(`${line}\n`);
      }
    },
    done() {
      if (isTTY && lineOpen) stream.write('\n');
      lineOpen = false;
    },
  };
}

/** @param {number} n */
function fmt(n) {
  return n.toLocaleString('en-US');
}

/** @param {number} seconds */
export function duration(seconds) {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.ceil(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
