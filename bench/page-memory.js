#!/usr/bin/env node
// Memory of the browser page while it converts a large generated export, in Debian's headless
// Chromium (playwright-core):
//
//   node bench/page-memory.js                 # 50,000 and 200,000 users
//   node bench/page-memory.js 200000          # one size
//   node bench/page-memory.js --incognito     # an off-the-record context (Playwright's default)
//
// For each size it starts a fresh browser with a fresh on-disk profile (a person's normal
// window; in an incognito context Chromium keeps the Origin Private File System in memory),
// converts the file in the page (the same steps a person takes: choose the file, Convert) and
// samples, every 100 ms until the result shows:
//   - the page's main-thread JS heap (CDP Performance.getMetrics, JSHeapUsedSize),
//   - the resident set (VmRSS, /proc) of the renderer process (main thread, worker, wasm), of
//     the browser process (which holds in-memory Blobs) and of the storage service (OPFS),
//   - the proportional set size (Pss, /proc/<pid>/smaps_rollup) summed over every process of
//     the browser, which counts shared pages once,
//   - the worker's wasm linear memory (the `wasmBytes` of the worker's progress messages), and
//     the renderer's RSS less that: the part that does not depend on the converter's state.
// It prints the peaks, with VmHWM (the kernel's own peak RSS) of each process, the renderer's
// RSS and the wasm memory at each quarter of the file, and how flat they are: the growth from
// the 25 % sample to the 100 % sample, and, with two sizes, the ratio of their peaks.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../scripts/serve.js';
import { CHROMIUM, CHROMIUM_ARGS as ARGS, writeLargeCsv } from './page-fixtures.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Chromium's processes: the browser's own pid and every descendant, each with its --type. */
function processTree(browserPid) {
  const parent = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // The command name is in parentheses and may hold spaces: the fields after it are fixed.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone
    }
  }
  const tree = [browserPid];
  for (let i = 0; i < tree.length; i++) for (const [pid, ppid] of parent) if (ppid === tree[i]) tree.push(pid);
  return tree.map((pid) => {
    let args = [];
    try {
      // Zygote-forked processes rewrite their command line as one space-separated string.
      args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]/);
    } catch {
      // gone
    }
    const arg = (key) => args.find((a) => a.startsWith(`--${key}=`))?.slice(key.length + 3);
    return { pid, type: pid === browserPid ? 'browser' : arg('utility-sub-type') ?? arg('type') ?? 'other' };
  });
}

/** The browser process: the one started with our profile directory and no --type. */
function browserPidOf(userDataDir) {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const args = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (args.includes(`--user-data-dir=${userDataDir}`) && !args.some((a) => a.startsWith('--type='))) return Number(name);
    } catch {
      // gone
    }
  }
  throw new Error(`no browser process with --user-data-dir=${userDataDir}`);
}

/** Pss in bytes (shared pages divided among the processes sharing them), 0 when gone. */
function procPss(pid) {
  try {
    return Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/** {VmRSS, VmHWM} in bytes, or null when the process is gone. */
function procMemory(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return null;
  }
}

const mb = (bytes) => `${(bytes / 1048576).toFixed(0)} MiB`;
const ratio = (a, b) => (b > 0 ? (a / b).toFixed(2) : '-');
const maxOf = (pids, read) => Math.max(0, ...pids.map((pid) => read(pid) ?? 0));

/** A fresh browser: a persistent context on a new profile directory, or an incognito one. */
async function launch(dir, incognito) {
  if (incognito) {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    const { processInfo } = await (await browser.newBrowserCDPSession()).send('SystemInfo.getProcessInfo');
    const context = await browser.newContext();
    return { context, browserPid: processInfo.find((p) => p.type === 'browser').id, close: () => browser.close() };
  }
  const profile = mkdtempSync(join(dir, 'profile-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ARGS });
  return { context, browserPid: browserPidOf(profile), close: () => context.close() };
}

async function measure(users, server, dir, incognito) {
  const file = join(dir, `export-${users}.csv`);
  await writeLargeCsv(file, users);
  const fileBytes = readFileSync(file).length;
  const { context, browserPid, close } = await launch(dir, incognito);
  try {
    const page = context.pages()[0] ?? await context.newPage();
    // Records the worker's progress messages (wasm memory, users) as they reach the page.
    await page.addInitScript(() => {
      const seen = { wasmBytes: 0, wasmNow: 0, progress: 0, records: 0 };
      window.__bench = seen;
      const Native = window.Worker;
      window.Worker = class extends Native {
        constructor(...args) {
          super(...args);
          this.addEventListener('message', ({ data }) => {
            if (data?.type !== 'progress') return;
            seen.progress += 1;
            seen.records = data.records;
            seen.wasmNow = data.wasmBytes ?? 0;
            seen.wasmBytes = Math.max(seen.wasmBytes, seen.wasmNow);
          });
        }
      };
    });
    await page.goto(server.url);
    await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 20_000 });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const tree = processTree(browserPid);
    const pids = (type) => tree.filter((p) => p.type === type).map((p) => p.pid);
    const all = tree.map((p) => p.pid);
    const rss = (pid) => procMemory(pid)?.rss;
    const totalPss = () => all.reduce((sum, pid) => sum + procPss(pid), 0);

    const baseline = { renderer: maxOf(pids('renderer'), rss), total: totalPss() };
    await page.setInputFiles('#file-input', file);
    const started = Date.now();
    await page.click('#convert');
    const peak = { jsHeap: 0, renderer: 0, rendererLessWasm: 0, browser: 0, storage: 0, total: 0 };
    /** The renderer's RSS and the wasm memory when the progress bar first reaches each quarter of the file. */
    const quarters = [];
    for (;;) {
      const [{ metrics }, state] = await Promise.all([
        cdp.send('Performance.getMetrics'),
        page.evaluate(() => ({ done: !document.getElementById('results').hidden, failed: !document.getElementById('error').hidden, bytes: document.getElementById('progress-bar').value, total: document.getElementById('progress-bar').max, wasm: window.__bench.wasmNow })),
      ]);
      peak.jsHeap = Math.max(peak.jsHeap, metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0);
      const renderer = maxOf(pids('renderer'), rss);
      peak.renderer = Math.max(peak.renderer, renderer);
      peak.rendererLessWasm = Math.max(peak.rendererLessWasm, renderer - state.wasm);
      peak.browser = Math.max(peak.browser, maxOf(pids('browser'), rss));
      peak.storage = Math.max(peak.storage, maxOf(pids('storage.mojom.StorageService'), rss));
      peak.total = Math.max(peak.total, totalPss());
      const quarter = Math.floor((4 * state.bytes) / Math.max(1, state.total));
      if (quarter > quarters.length && quarter <= 4) while (quarters.length < quarter) quarters.push({ renderer, wasm: state.wasm });
      if (state.failed) throw new Error(`the conversion failed: ${await page.textContent('#error')}`);
      if (state.done) break;
      if (Date.now() - started > 600_000) throw new Error('the conversion took more than 10 minutes');
      await new Promise((r) => setTimeout(r, 100));
    }
    const seconds = (Date.now() - started) / 1000;
    const bench = await page.evaluate(() => window.__bench);
    const summary = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('#cards [data-key]')].map((e) => [e.dataset.key, e.textContent])));
    // Where the page kept the files ('opfs' or 'memory'; a page from before OPFS has no note).
    const storage = await page.evaluate(() => document.getElementById('storage-note')?.dataset.storage ?? 'memory');
    const hwm = (type) => maxOf(pids(type), (pid) => procMemory(pid)?.hwm);
    const first = quarters[0];
    const last = quarters[quarters.length - 1];
    return {
      users, fileBytes, seconds, summary, storage, incognito, baseline, peak,
      hwm: { renderer: hwm('renderer'), browser: hwm('browser'), storage: hwm('storage.mojom.StorageService') },
      quarters,
      // From the 25 % sample to the 100 % sample: all of the renderer, and the part that is wasm memory.
      growth: { renderer: last.renderer - first.renderer, ratio: last.renderer / first.renderer, wasm: last.wasm - first.wasm },
      wasmBytes: bench.wasmBytes,
      progressEvents: bench.progress,
    };
  } finally {
    await close();
    rmSync(file, { force: true });
  }
}

const incognito = process.argv.includes('--incognito');
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const dir = mkdtempSync(join(tmpdir(), 'c2s-page-memory-'));
const server = await startServer(join(root, 'www'), 0);
try {
  const results = [];
  for (const users of sizes.length ? sizes : [50_000, 200_000]) {
    const r = await measure(users, server, dir, incognito);
    results.push(r);
    process.stdout.write(`${r.users.toLocaleString('en')} users (${mb(r.fileBytes)} CSV), ${r.seconds.toFixed(1)} s, ${r.progressEvents} progress events, files kept in ${r.storage === 'opfs' ? 'OPFS' : r.storage}${incognito ? ', incognito' : ''}, summary ${JSON.stringify(r.summary)}\n`
      + `  peak main-thread JS heap ${mb(r.peak.jsHeap)}; wasm linear memory ${mb(r.wasmBytes)}\n`
      + `  renderer RSS before converting ${mb(r.baseline.renderer)}; peak renderer RSS ${mb(r.peak.renderer)} (VmHWM ${mb(r.hwm.renderer)}); browser process RSS ${mb(r.peak.browser)} (VmHWM ${mb(r.hwm.browser)}); storage service RSS ${mb(r.peak.storage)} (VmHWM ${mb(r.hwm.storage)})\n`
      + `  all processes, Pss: ${mb(r.baseline.total)} before converting, peak ${mb(r.peak.total)}; renderer RSS less wasm memory, peak ${mb(r.peak.rendererLessWasm)}\n`
      + `  renderer RSS at 25/50/75/100% of the file: ${r.quarters.map((q) => mb(q.renderer)).join(' / ')} (wasm memory ${r.quarters.map((q) => mb(q.wasm)).join(' / ')})\n`
      + `  flatness, 25% -> 100%: renderer ${r.growth.renderer >= 0 ? '+' : ''}${mb(r.growth.renderer)} (x${r.growth.ratio.toFixed(2)}), of which wasm memory ${r.growth.wasm >= 0 ? '+' : ''}${mb(r.growth.wasm)}\n`);
  }
  if (results.length > 1) {
    const [small, big] = [results[0], results[results.length - 1]];
    process.stdout.write(`peaks, ${big.users.toLocaleString('en')} vs ${small.users.toLocaleString('en')} users (x${(big.users / small.users).toFixed(0)} the input): `
      + `renderer RSS x${ratio(big.peak.renderer, small.peak.renderer)}, renderer RSS less wasm memory x${ratio(big.peak.rendererLessWasm, small.peak.rendererLessWasm)}, all processes (Pss) x${ratio(big.peak.total, small.peak.total)}, wasm memory x${ratio(big.wasmBytes, small.wasmBytes)}\n`);
  }
  if (process.env.BENCH_JSON) process.stdout.write(`${JSON.stringify(results)}\n`);
} finally {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
