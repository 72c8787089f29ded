#!/usr/bin/env node
// Memory of the browser page while it converts a large generated export, in Debian's headless
// Chromium (playwright-core):
//
//   node bench/page-memory.js                 # 50,000 and 200,000 users
//   node bench/page-memory.js 200000          # one size
//
// For each size it starts a fresh browser, converts the file in the page (the same steps a
// person takes: choose the file, Convert) and samples, every 100 ms until the result shows:
//   - the page's main-thread JS heap (CDP Performance.getMetrics, JSHeapUsedSize),
//   - the resident set (VmRSS, /proc) of the renderer process (main thread, worker, wasm) and of
//     the browser process (which holds the Blobs),
//   - the worker's wasm linear memory (the `wasmBytes` of the worker's progress messages).
// It prints the peaks, with VmHWM (the kernel's own peak RSS) of each process, and the
// renderer's RSS at each quarter of the file, which shows whether memory stays flat.
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../scripts/serve.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const HEADER = 'id,first_name,last_name,username,primary_email_address,primary_phone_number,verified_email_addresses,unverified_email_addresses,verified_phone_numbers,unverified_phone_numbers,totp_secret,password_digest,password_hasher,created_at\n';
const BCRYPT = '$2b$10$U4C0ZY8OG8y41F9LusfKyu3HRMBL0rCZcKBVsXhgr.n8Ou6FPhzO2';

/** The same rows as the e2e test's large export: a bcrypt user with a verified email. */
export async function writeLargeCsv(path, rows) {
  const out = createWriteStream(path);
  out.write(HEADER);
  for (let i = 0; i < rows; i++) {
    const line = `user_${String(i).padStart(27, '0')},First${i},Last${i},,u${i}@example.com,,u${i}@example.com,,,,,${BCRYPT},bcrypt,2024-03-01T12:00:00Z\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
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

async function measure(users, server, dir) {
  const file = join(dir, `export-${users}.csv`);
  await writeLargeCsv(file, users);
  const fileBytes = readFileSync(file).length;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    const page = await browser.newPage();
    // Records the worker's progress messages (wasm memory, users) as they reach the page.
    await page.addInitScript(() => {
      const seen = { wasmBytes: 0, progress: 0, records: 0 };
      window.__bench = seen;
      const Native = window.Worker;
      window.Worker = class extends Native {
        constructor(...args) {
          super(...args);
          this.addEventListener('message', ({ data }) => {
            if (data?.type !== 'progress') return;
            seen.progress += 1;
            seen.records = data.records;
            seen.wasmBytes = Math.max(seen.wasmBytes, data.wasmBytes ?? 0);
          });
        }
      };
    });
    await page.goto(server.url);
    await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 20_000 });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const browserCdp = await browser.newBrowserCDPSession();
    const { processInfo } = await browserCdp.send('SystemInfo.getProcessInfo');
    const pids = { browser: processInfo.filter((p) => p.type === 'browser').map((p) => p.id), renderer: processInfo.filter((p) => p.type === 'renderer').map((p) => p.id) };

    const baseline = Math.max(0, ...pids.renderer.map((pid) => procMemory(pid)?.rss ?? 0));
    await page.setInputFiles('#file-input', file);
    const started = Date.now();
    await page.click('#convert');
    const peak = { jsHeap: 0, renderer: 0, browser: 0 };
    const quarters = [];
    for (;;) {
      const [{ metrics }, state] = await Promise.all([
        cdp.send('Performance.getMetrics'),
        page.evaluate(() => ({ done: !document.getElementById('results').hidden, failed: !document.getElementById('error').hidden, bytes: document.getElementById('progress-bar').value, total: document.getElementById('progress-bar').max })),
      ]);
      peak.jsHeap = Math.max(peak.jsHeap, metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0);
      const renderer = Math.max(0, ...pids.renderer.map((pid) => procMemory(pid)?.rss ?? 0));
      peak.renderer = Math.max(peak.renderer, renderer);
      peak.browser = Math.max(peak.browser, ...pids.browser.map((pid) => procMemory(pid)?.rss ?? 0));
      const quarter = Math.floor((4 * state.bytes) / Math.max(1, state.total));
      if (quarter > quarters.length && quarter <= 4) while (quarters.length < quarter) quarters.push(renderer);
      if (state.failed) throw new Error(`the conversion failed: ${await page.textContent('#error')}`);
      if (state.done) break;
      if (Date.now() - started > 600_000) throw new Error('the conversion took more than 10 minutes');
      await new Promise((r) => setTimeout(r, 100));
    }
    const seconds = (Date.now() - started) / 1000;
    const bench = await page.evaluate(() => window.__bench);
    const summary = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('#cards [data-key]')].map((e) => [e.dataset.key, e.textContent])));
    const hwm = {
      renderer: Math.max(0, ...pids.renderer.map((pid) => procMemory(pid)?.hwm ?? 0)),
      browser: Math.max(0, ...pids.browser.map((pid) => procMemory(pid)?.hwm ?? 0)),
    };
    return { users, fileBytes, seconds, summary, baseline, peak, hwm, quarters, wasmBytes: bench.wasmBytes, progressEvents: bench.progress };
  } finally {
    await browser.close();
    rmSync(file, { force: true });
  }
}

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const dir = mkdtempSync(join(tmpdir(), 'c2s-page-memory-'));
const server = await startServer(join(root, 'www'), 0);
try {
  const results = [];
  for (const users of sizes.length ? sizes : [50_000, 200_000]) {
    const r = await measure(users, server, dir);
    results.push(r);
    process.stdout.write(`${r.users.toLocaleString('en')} users (${mb(r.fileBytes)} CSV), ${r.seconds.toFixed(1)} s, ${r.progressEvents} progress events, summary ${JSON.stringify(r.summary)}\n`
      + `  peak main-thread JS heap ${mb(r.peak.jsHeap)}; wasm linear memory ${mb(r.wasmBytes)}\n`
      + `  renderer RSS before converting ${mb(r.baseline)}; peak renderer RSS ${mb(r.peak.renderer)} (VmHWM ${mb(r.hwm.renderer)}); browser process RSS ${mb(r.peak.browser)} (VmHWM ${mb(r.hwm.browser)})\n`
      + `  renderer RSS at 25/50/75/100% of the file: ${r.quarters.map(mb).join(' / ')}\n`);
  }
  if (process.env.BENCH_JSON) process.stdout.write(`${JSON.stringify(results)}\n`);
} finally {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
