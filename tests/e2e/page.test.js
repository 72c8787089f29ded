// The browser page end to end, in Debian's headless Chromium driven by playwright-core: the
// numbers and files it produces equal the CLI's, it never leaves its own origin, it renders
// hostile names as text, and Cancel really stops a running conversion.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { unzipSync } from 'fflate';
import { startServer } from '../../scripts/serve.js';
import { cli, sample, tempDir, readJson, root } from '../js/helpers.js';
import { validateBulkImport } from '../../host/index.js';
import { CHROMIUM, CHROMIUM_ARGS as ARGS, DASHBOARD_HEADER as HEADER, BCRYPT_DIGEST as BCRYPT, writeLargeCsv } from '../../bench/page-fixtures.js';

const SAMPLE = sample('dashboard-export.SYNTHETIC.csv');
const SHOTS = join(root, 'test-results');
const XSS = '<img src=x onerror=window.__xss=1>';
const TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const FORMULA = '=HYPERLINK("http://x")';
const LARGE_USERS = 200_000;

let server;
let browser;
let cliOut;
let tmp;
let large;
/** Every request any page made, and every console error or page error, across all tests. */
const requests = [];
const problems = [];

async function openPage() {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  context.on('request', (r) => requests.push(r.url()));
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.goto(server.url);
  await page.waitForFunction(() => ['ready', 'failed'].includes(document.body.dataset.state), null, { timeout: 10_000 });
  const state = await page.evaluate(() => document.body.dataset.state);
  assert.equal(state, 'ready', `the converter did not start: ${await page.textContent('#error')} ${problems.join('; ')}`);
  return page;
}

async function convert(page, file) {
  await page.setInputFiles('#file-input', file);
  await page.click('#convert');
  await page.waitForSelector('#results:not([hidden])', { timeout: 20_000 });
  await page.waitForFunction(() => document.body.dataset.state === 'ready');
}

const shownSummary = (page) => page.evaluate(() => Object.fromEntries(
  [...document.querySelectorAll('#cards [data-key]')].map((e) => [e.dataset.key, Number(e.textContent.replace(/,/g, ''))]),
));

async function screenshot(page, name, fullPage = false) {
  const path = join(SHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage });
  // UPDATE_SCREENSHOTS=1 refreshes the committed copies in docs/screenshots/.
  if (process.env.UPDATE_SCREENSHOTS) {
    mkdirSync(join(root, 'docs', 'screenshots'), { recursive: true });
    copyFileSync(path, join(root, 'docs', 'screenshots', `${name}.png`));
  }
}

async function download(page, fileName) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(`button[data-file="${fileName}"]`)]);
  assert.equal(dl.suggestedFilename(), fileName);
  return readFileSync(await dl.path());
}

/** The page's OPFS contents: {directory: {file: size}}, files at the root under ''. */
const opfsListing = (page) => page.evaluate(async () => {
  const root = await navigator.storage.getDirectory();
  const listing = {};
  for await (const [name, handle] of root.entries()) {
    if (handle.kind === 'file') {
      listing[''] ??= {};
      listing[''][name] = (await handle.getFile()).size;
      continue;
    }
    listing[name] = {};
    for await (const [file, h] of handle.entries()) listing[name][file] = h.kind === 'file' ? (await h.getFile()).size : -1;
  }
  return listing;
});

/** Polls the OPFS listing until `ok` holds for it (the page cleans up asynchronously). */
async function opfsUntil(page, ok, what) {
  let listing;
  for (let i = 0; i < 100; i++) {
    // A directory removed while it is being listed makes the listing throw: list again.
    listing = await opfsListing(page).catch((err) => `${err.message}`);
    if (typeof listing === 'object' && ok(listing)) return listing;
    await page.waitForTimeout(50);
  }
  assert.fail(`${what}: ${JSON.stringify(listing)}`);
}

/** The names of the Web Locks the page holds. */
const heldLocks = (page) => page.evaluate(async () => (await navigator.locks.query()).held.map((l) => l.name));

/** The download buttons on the page, by file name. */
const downloadButtons = (page) => page.$$eval('button.download', (bs) => bs.map((b) => b.dataset.file));

/** Waits for the deletion's status to differ from `previous` and leave "Deleting…", and returns it. */
async function forgetOutcome(page, previous = '') {
  await page.waitForFunction((old) => {
    const status = document.getElementById('forget-status').textContent;
    return status !== old && status !== '' && !status.startsWith('Deleting');
  }, previous);
  return page.textContent('#forget-status');
}

/** The sizes of the named files of a CLI output directory. */
const cliSizes = (dir, names) => Object.fromEntries(names.map((n) => [n, readFileSync(join(dir, n)).length]));

/** The batch files of a CLI output directory, by name. */
const cliBatches = (dir) => Object.fromEntries(readdirSync(dir).filter((n) => /^batch-\d+\.json$/.test(n)).sort().map((n) => [n, readFileSync(join(dir, n))]));

/** The files inside a zip, by name, as Buffers. */
const unzip = (bytes) => Object.fromEntries(Object.entries(unzipSync(new Uint8Array(bytes))).map(([n, b]) => [n, Buffer.from(b)]));

describe('the browser page', { timeout: 85_000 }, () => {
  before(async () => {
    // Fail, never skip, when the browser or the build is missing.
    assert.ok(existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM}: install Debian's chromium (scripts/setup.sh) or set CHROMIUM_PATH`);
    assert.ok(existsSync(join(root, 'www', 'pkg', 'clerk_to_supertokens_bg.wasm')), 'www/pkg is missing: run scripts/build.sh');
    mkdirSync(SHOTS, { recursive: true });
    tmp = tempDir('c2s-page-');
    cliOut = join(tmp, 'cli-out');
    const r = cli(['convert', SAMPLE, '--out', cliOut]);
    assert.equal(r.status, 0, r.stderr);
    large = join(tmp, 'large.csv');
    await writeLargeCsv(large, LARGE_USERS);
    server = await startServer(join(root, 'www'), 0);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('converts the synthetic Dashboard export with default options and shows the CLI\'s numbers', async () => {
    const page = await openPage();
    await screenshot(page, 'empty');
    assert.equal(await page.isDisabled('#convert'), true, 'Convert is disabled until a file is chosen');
    // By keyboard: the file input is a native, focusable control (its chooser is the OS's; the
    // file is set directly, since a headless chooser opened by a key press proved flaky under
    // load), then Tab reaches Convert and Enter runs it.
    await page.focus('#file-input');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'file-input');
    await page.setInputFiles('#file-input', SAMPLE);
    await page.focus('#file-input');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'convert');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#results:not([hidden])', { timeout: 20_000 });
    assert.equal(await page.evaluate(() => document.activeElement.id), 'results-title', 'focus moves to the results');

    const expected = readJson(join(cliOut, 'report.json'));
    assert.deepEqual(expected.summary, { records: 4, converted: 3, deferred: 1, rejected: 0, batches: 1 });
    assert.deepEqual(await shownSummary(page), expected.summary);
    assert.match(await page.textContent('#reconcile'), /^4 records = 3 converted \+ 1 deferred \+ 0 rejected ✓/);

    const rows = await page.$$eval('#diagnostics tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent)));
    assert.deepEqual(rows, expected.diagnostics.map((d) => [d.code, d.severity, String(d.record), String(d.line), d.userId, d.message]));

    await page.selectOption('#diag-severity', 'error');
    assert.equal(await page.locator('#diagnostics tbody tr').count(), 1);
    await page.selectOption('#diag-severity', '');
    await page.fill('#diag-search', 'totp');
    await page.waitForFunction(() => document.querySelectorAll('#diagnostics tbody tr').length === 1);
    const total = expected.diagnostics.length;
    assert.match(await page.textContent('#diag-count'), new RegExp(`^1 of ${total} diagnostics match`));
    await page.fill('#diag-search', '');
    await page.waitForFunction((n) => document.querySelectorAll('#diagnostics tbody tr').length === n, total);
    await page.locator('#diag-search').blur();
    await screenshot(page, 'finished', true);

    // Every control has a label, and the layout fits a narrow window without sideways scrolling.
    const unlabelled = await page.$$eval('input, select, textarea', (els) => els.filter((e) => e.labels.length === 0 && !e.getAttribute('aria-label')).map((e) => e.id || e.name));
    assert.deepEqual(unlabelled, []);
    await page.setViewportSize({ width: 360, height: 800 });
    await page.click('#options-details > summary');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow} px wider than a 360 px window`);
    await page.context().close();
  });

  test('downloads equal the CLI\'s files byte for byte; secret files wait for the warning to be acknowledged', async () => {
    const page = await openPage();
    await convert(page, SAMPLE);
    assert.deepEqual(await download(page, 'batch-0001.json'), readFileSync(join(cliOut, 'batch-0001.json')));
    assert.deepEqual(await download(page, 'report.json'), readFileSync(join(cliOut, 'report.json')));
    assert.deepEqual(unzip(await download(page, 'batches.zip')), cliBatches(cliOut), 'batches.zip holds exactly the CLI\'s batch files');
    assert.equal(await page.locator('button[data-file="rejected.csv"]').count(), 0, 'no rejected.csv when nothing was rejected');

    const secret = page.locator('button[data-file="lazy-migration.ndjson"]');
    assert.equal(await secret.getAttribute('data-secret'), 'true');
    assert.equal(await secret.isDisabled(), true, 'secret download is disabled before the acknowledgement');
    assert.match(await page.textContent('#secret-panel'), /password digests or TOTP secrets/);
    await page.check('#secret-ack');
    assert.deepEqual(await download(page, 'lazy-migration.ndjson'), readFileSync(join(cliOut, 'lazy-migration.ndjson')));

    // The files were written to one directory of the Origin Private File System, and the page says where they are.
    assert.equal(await page.getAttribute('#storage-note', 'data-storage'), 'opfs');
    assert.match(await page.textContent('#storage-note'), /private storage for this page/);
    const listing = await opfsListing(page);
    const runs = Object.keys(listing);
    assert.equal(runs.length, 1, `one conversion directory: ${JSON.stringify(listing)}`);
    assert.match(runs[0], /^conversion-[0-9a-f-]{36}$/);
    const zipSize = (await download(page, 'batches.zip')).length;
    assert.deepEqual(listing[runs[0]], { ...cliSizes(cliOut, ['batch-0001.json', 'lazy-migration.ndjson', 'report.json']), 'batches.zip': zipSize });
    await page.context().close();
  });

  test('repeated ids and shared emails are settled through the identity log in OPFS, byte for byte as the CLI does, and the log is removed', async () => {
    const file = join(tmp, 'repeats.csv');
    const row = (id, email) => `user_${id},F,L,,${email},,${email},,,,,${BCRYPT},bcrypt,2024-03-01T12:00:00Z\n`;
    const rows = Array.from({ length: 40 }, (_, i) => row(`r${i}`, `u${i}@example.com`));
    writeFileSync(file, HEADER + rows.join('') + row('r3', 'u3@example.com') + row('r41', 'U7@example.com') + row('r42', 'u7@example.com'));
    const out = join(tmp, 'repeats-out');
    const r = cli(['convert', file, '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    const expected = readJson(join(out, 'report.json'));
    assert.equal(expected.diagnostics.filter((d) => d.code === 'duplicate-id').length, 1);
    assert.equal(expected.diagnostics.filter((d) => /^E003: /.test(d.message)).length, 2);
    const page = await openPage();
    await convert(page, file);
    assert.deepEqual(await shownSummary(page), expected.summary);
    assert.deepEqual(await download(page, 'report.json'), readFileSync(join(out, 'report.json')));
    assert.deepEqual(await download(page, 'batch-0001.json'), readFileSync(join(out, 'batch-0001.json')));
    const listing = await opfsListing(page);
    const [run] = Object.keys(listing);
    assert.deepEqual(Object.keys(listing[run]).filter((n) => n.startsWith('.')), [], 'no identity log left behind');
    await page.context().close();
  });

  // Both ways a browser can lack it: no OPFS on the page (hidden by an init script), or OPFS but
  // no sync access handles in the worker (removed by lines put in front of the worker's script,
  // which also take away BYOB readers of file streams, so the worker's other way of reading the
  // file runs too).
  const OLDER_WORKER = `delete FileSystemFileHandle.prototype.createSyncAccessHandle;
    const getReader = ReadableStream.prototype.getReader;
    ReadableStream.prototype.getReader = function (options) {
      if (options?.mode === 'byob') throw new TypeError('no BYOB readers here');
      return getReader.call(this, options);
    };\n`;
  for (const missing of ['navigator.storage.getDirectory', 'FileSystemFileHandle.createSyncAccessHandle']) {
    test(`without ${missing} the files are kept in memory, still equal the CLI's, the page says so, and Delete lets go of them`, async () => {
      const context = await browser.newContext({ acceptDownloads: true });
      context.on('request', (r) => requests.push(r.url()));
      // The object URLs the page makes (one per download) and those it revokes.
      await context.addInitScript(() => {
        const { createObjectURL, revokeObjectURL } = URL;
        window.__urls = { made: [], revoked: [] };
        URL.createObjectURL = (blob) => { const url = createObjectURL(blob); window.__urls.made.push(url); return url; };
        URL.revokeObjectURL = (url) => { window.__urls.revoked.push(url); revokeObjectURL(url); };
      });
      if (missing.startsWith('navigator')) {
        await context.addInitScript(() => { delete StorageManager.prototype.getDirectory; });
      } else {
        await context.route(/\/worker\.js$/, async (route) => {
          const response = await route.fetch();
          await route.fulfill({ response, body: OLDER_WORKER + await response.text() });
        });
      }
      const page = await context.newPage();
      page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      await page.goto(server.url);
      await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 10_000 });
      await convert(page, SAMPLE);
      assert.equal(await page.getAttribute('#storage-note', 'data-storage'), 'memory');
      assert.match(await page.textContent('#storage-note'), /kept in memory/);
      assert.deepEqual(await download(page, 'batch-0001.json'), readFileSync(join(cliOut, 'batch-0001.json')));
      assert.deepEqual(await download(page, 'report.json'), readFileSync(join(cliOut, 'report.json')));
      assert.deepEqual(unzip(await download(page, 'batches.zip')), cliBatches(cliOut));
      await page.check('#secret-ack');
      assert.deepEqual(await download(page, 'lazy-migration.ndjson'), readFileSync(join(cliOut, 'lazy-migration.ndjson')));
      if (!missing.startsWith('navigator')) {
        assert.deepEqual(await opfsListing(page), {}, 'nothing was written to OPFS');
      }

      // Delete: every Blob's button goes, every object URL made for a download is revoked.
      const offered = await downloadButtons(page);
      assert.deepEqual([...offered].sort(), ['batch-0001.json', 'batches.zip', 'lazy-migration.ndjson', 'report.json']);
      const urls = await page.evaluate(() => window.__urls);
      assert.equal(urls.made.length, 4, 'one object URL per download');
      assert.deepEqual(urls.revoked, [], 'none revoked before Delete');
      await page.click('#forget');
      assert.match(await forgetOutcome(page), /^Deleted 4 files \([\d.]+ K?B\) from this page's memory\.$/);
      assert.deepEqual(await downloadButtons(page), []);
      assert.equal(await page.isHidden('#secret-panel'), true);
      assert.equal(await page.evaluate(() => document.activeElement.id), 'downloads-title');
      assert.equal(await page.textContent('#storage-note'), 'This page no longer holds these files. Convert the export again to get them back.');
      assert.deepEqual((await page.evaluate(() => window.__urls.revoked)).sort(), [...urls.made].sort(), 'every object URL is revoked');
      assert.ok(!(await heldLocks(page)).some((name) => name.startsWith('clerk-to-supertokens:')), 'no conversion lock is held');
      if (!missing.startsWith('navigator')) assert.deepEqual(await opfsListing(page), {});
      assert.deepEqual(await shownSummary(page), { records: 4, converted: 3, deferred: 1, rejected: 0, batches: 1 }, 'the summary stays');
      await convert(page, SAMPLE);
      assert.deepEqual(await download(page, 'report.json'), readFileSync(join(cliOut, 'report.json')), 'a new conversion works after Delete');
      await context.close();
    });
  }

  test('stale conversion directories are removed on page load; a directory another tab holds, and other entries, stay', async () => {
    const page = await openPage();
    const other = await page.context().newPage();
    await other.goto(server.url);
    // The other tab holds the lock of its conversion, the way a page does while it offers the
    // files; taken (and granted) before the directory exists, since either page may still be
    // running its own sweep of stale directories from loading.
    await other.evaluate(() => new Promise((granted) => {
      navigator.locks.request('clerk-to-supertokens:conversion-other', () => {
        granted();
        return new Promise(() => {});
      });
    }));
    await page.evaluate(async () => {
      const root = await navigator.storage.getDirectory();
      for (const name of ['conversion-stale', 'conversion-other']) {
        const dir = await root.getDirectoryHandle(name, { create: true });
        const file = await (await dir.getFileHandle('batch-0001.json', { create: true })).createWritable();
        await file.write('{"users":[]}');
        await file.close();
      }
      await root.getFileHandle('unrelated.txt', { create: true });
    });
    await page.reload();
    await opfsUntil(page, (l) => !('conversion-stale' in l), 'the stale directory is removed on load');
    assert.deepEqual(await opfsListing(page), { '': { 'unrelated.txt': 0 }, 'conversion-other': { 'batch-0001.json': 12 } });
    await page.context().close();
  });

  test('"Delete these files from this browser" removes the conversion\'s directory, its lock and every download, keeps the summary, and a new conversion then works', async () => {
    const expected = readJson(join(cliOut, 'report.json'));
    const page = await openPage();
    await convert(page, SAMPLE);
    assert.deepEqual(unzip(await download(page, 'batches.zip')), cliBatches(cliOut));
    await page.check('#secret-ack');
    await download(page, 'lazy-migration.ndjson');
    const before = await opfsListing(page);
    const [run] = Object.keys(before);
    assert.deepEqual(Object.keys(before), [run], `one conversion directory: ${JSON.stringify(before)}`);
    const offered = await downloadButtons(page);
    assert.deepEqual([...offered].sort(), Object.keys(before[run]).sort(), 'every file in the directory has a download button');
    assert.ok((await heldLocks(page)).includes(`clerk-to-supertokens:${run}`), 'the page holds the directory\'s lock');
    assert.equal(await page.getAttribute('#forget-status', 'aria-live'), 'polite');
    assert.equal(await page.getAttribute('#forget-status', 'role'), 'status');
    assert.equal(await page.textContent('#forget-status'), '');
    assert.match(await page.textContent('#forget-help'), /Let your downloads finish first/);

    // By keyboard: the button is in the Tab order right after the last download, Enter deletes.
    await page.focus('button[data-file="lazy-migration.ndjson"]');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'forget');
    assert.equal(await page.textContent('#forget'), 'Delete these files from this browser');
    await page.keyboard.press('Enter');
    const status = await forgetOutcome(page);
    assert.match(status, new RegExp(`^Deleted ${offered.length} files \\([\\d.]+ K?B\\) from this browser's storage\\.$`));

    assert.deepEqual(await opfsListing(page), {}, 'the conversion\'s directory is gone');
    assert.ok(!(await heldLocks(page)).some((name) => name.startsWith('clerk-to-supertokens:')), 'its lock is released');
    assert.deepEqual(await downloadButtons(page), [], 'no download button is left, batches.zip and the secret files included');
    assert.equal(await page.isHidden('#secret-panel'), true);
    assert.equal(await page.isHidden('#forget'), true);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'downloads-title', 'focus moves to the Downloads heading');
    assert.equal(await page.getAttribute('#storage-note', 'data-deleted'), 'true');
    assert.match(await page.textContent('#storage-note'), /^These files were deleted from this browser's storage\. Convert the export again/);
    // The summary and the diagnostics stay.
    assert.equal(await page.isVisible('#results'), true);
    assert.deepEqual(await shownSummary(page), expected.summary);
    assert.equal(await page.locator('#diagnostics tbody tr').count(), expected.diagnostics.length);
    assert.ok(expected.diagnostics.length > 0);

    // A second conversion: a fresh directory, downloads and the button again.
    await convert(page, SAMPLE);
    assert.deepEqual(await shownSummary(page), expected.summary);
    assert.deepEqual(await download(page, 'batch-0001.json'), readFileSync(join(cliOut, 'batch-0001.json')));
    const after = await opfsListing(page);
    const [second] = Object.keys(after);
    assert.deepEqual(Object.keys(after), [second], JSON.stringify(after));
    assert.notEqual(second, run);
    assert.deepEqual(Object.keys(after[second]).sort(), Object.keys(before[run]).sort());
    assert.equal(await page.isVisible('#forget'), true);
    assert.equal(await page.textContent('#forget-status'), '');
    assert.equal(await page.getAttribute('#storage-note', 'data-deleted'), null);
    assert.match(await page.textContent('#storage-note'), /private storage for this page/);
    await page.context().close();
  });

  test('when the browser refuses to delete (a file still open), the page says so, keeps the files, their lock and downloads, and a retry deletes them', async () => {
    const page = await openPage();
    await convert(page, SAMPLE);
    const [run] = Object.keys(await opfsListing(page));
    const offered = await downloadButtons(page);
    // Something else still has report.json open: Chromium then refuses to remove the directory.
    await page.evaluate(async (name) => {
      const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(name);
      window.__open = await (await dir.getFileHandle('report.json')).createWritable({ keepExistingData: true });
    }, run);
    await page.click('#forget');
    const status = await forgetOutcome(page);
    assert.match(status, /^These files were not deleted: the browser says one of them is still in use, by a download that is still reading it, say\. Let your downloads finish, then choose “Try deleting these files again”\.$/);
    assert.equal(await page.textContent('#forget'), 'Try deleting these files again');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'forget', 'focus stays on the button, now the retry');
    assert.equal(await page.getAttribute('#forget', 'aria-disabled'), null);
    assert.deepEqual(await downloadButtons(page), offered, 'the downloads stay');
    assert.deepEqual(await download(page, 'report.json'), readFileSync(join(cliOut, 'report.json')), 'and still work');
    const listing = await opfsListing(page);
    assert.deepEqual(Object.keys(listing[run]).filter((n) => !n.endsWith('.crswap')).sort(), [...offered].sort(), 'nothing was deleted');
    assert.ok((await heldLocks(page)).includes(`clerk-to-supertokens:${run}`), 'the lock is taken again');
    assert.match(await page.textContent('#storage-note'), /private storage for this page/);

    await page.evaluate(() => window.__open.abort());
    await page.focus('#forget');
    await page.keyboard.press('Enter');
    assert.match(await forgetOutcome(page, status), /^Deleted \d+ files .* from this browser's storage\.$/);
    assert.deepEqual(await opfsListing(page), {});
    assert.deepEqual(await downloadButtons(page), []);
    assert.deepEqual(await heldLocks(page), []);
    await page.context().close();
  });

  test('the options form means what the CLI flags mean, and a bad option shows the core\'s message', async () => {
    const out = join(tmp, 'cli-options');
    const r = cli(['convert', SAMPLE, '--out', out, '--features', 'account_linking,mfa', '--batch-size', '2', '--unsupported-hash', 'reject']);
    assert.equal(r.status, 0, r.stderr);
    const page = await openPage();
    await page.click('#options-details > summary');
    await page.fill('#opt-tenant', 'acme');
    await page.setInputFiles('#file-input', SAMPLE);
    await page.click('#convert');
    await page.waitForSelector('#error:not([hidden])');
    assert.match(await page.textContent('#error'), /^Check the options: invalid options: tenant 'acme' needs the multi_tenancy feature/);
    assert.equal(await page.evaluate(() => document.body.dataset.state), 'ready');

    await page.fill('#opt-tenant', '');
    await page.check('input[name="features"][value="account_linking"]');
    await page.check('input[name="features"][value="mfa"]');
    await page.fill('#opt-batch', '2');
    await page.selectOption('#opt-unsupported', 'reject');
    assert.equal(await page.textContent('#options-summary'), 'batch size: 2 · features: account_linking, mfa · unsupported hash: reject');
    await page.click('#convert');
    await page.waitForSelector('#results:not([hidden])', { timeout: 20_000 });
    const expected = readJson(join(out, 'report.json'));
    assert.deepEqual(await shownSummary(page), expected.summary);
    assert.equal(expected.summary.batches, 2);
    assert.deepEqual(await download(page, 'batch-0002.json'), readFileSync(join(out, 'batch-0002.json')));
    assert.deepEqual(await download(page, 'report.json'), readFileSync(join(out, 'report.json')));
    const zipped = unzip(await download(page, 'batches.zip'));
    assert.deepEqual(Object.keys(zipped), ['batch-0001.json', 'batch-0002.json']);
    assert.deepEqual(zipped, cliBatches(out), 'batches.zip holds exactly the CLI\'s batch files, byte for byte');
    await page.context().close();
  });

  test('a hostile name and user id are shown as text, never as markup', async () => {
    const file = join(tmp, 'xss.csv');
    writeFileSync(file, HEADER
      + `user_xss_name,"${XSS}",Doe,,x@example.com,,x@example.com,,,,,${BCRYPT},bcrypt,2024-03-01T12:00:00Z\n`
      + `"user_${XSS}",Eve,Doe,,e@example.com,,e@example.com,,,,,pbkdf2_sha256$260000$c2FsdHNhbHQ=$aGFzaGhhc2g=,pbkdf2_sha256_django,2024-03-01T12:00:00Z\n`);
    const page = await openPage();
    // Delivered through the drop zone this time, the way most people will give the page a file.
    await page.evaluate(([name, text]) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], name, { type: 'text/csv' }));
      document.getElementById('drop-zone').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, ['xss.csv', readFileSync(file, 'utf8')]);
    assert.match(await page.textContent('#file-name'), /^xss\.csv \(\d+ B\)$/);
    await page.click('#convert');
    await page.waitForSelector('#results:not([hidden])', { timeout: 20_000 });
    const preview = await page.$$eval('#preview tbody td', (tds) => tds.map((td) => td.textContent));
    assert.ok(preview.includes(`${XSS} Doe`), `the name is shown as text in the preview: ${JSON.stringify(preview)}`);
    const users = await page.$$eval('#diagnostics tbody td:nth-child(5)', (tds) => tds.map((td) => td.textContent));
    assert.ok(users.includes(`user_${XSS}`), `the user id is shown as text in the diagnostics: ${JSON.stringify(users)}`);
    await page.waitForTimeout(200); // give an injected image time to fail and fire onerror
    assert.equal(await page.locator('main img').count(), 0);
    assert.equal(await page.evaluate(() => window.__xss), undefined);
    await page.context().close();
  });

  test('rejected.csv neutralises formulas; no digest or TOTP secret reaches the DOM; charts have text equivalents', async () => {
    const file = join(tmp, 'secrets.csv');
    writeFileSync(file, HEADER
      + `user_secret,Ann,Lee,,a@example.com,,a@example.com,,,,${TOTP_SECRET},${BCRYPT},bcrypt,2024-03-01T12:00:00Z\n`
      + `"${FORMULA.replace(/"/g, '""')}","${FORMULA.replace(/"/g, '""')}",Lee,,,,,,,,,,,2024-03-01T12:00:00Z\n`
      + `user_nobody,"${FORMULA.replace(/"/g, '""')}",Lee,,,,,,,,,,,2024-03-01T12:00:00Z\n`);
    const out = join(tmp, 'cli-secrets');
    const r = cli(['convert', file, '--out', out, '--features', 'mfa']);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(readFileSync(join(out, 'batch-0001.json'), 'utf8').includes(TOTP_SECRET), 'the batch holds the TOTP secret');

    const page = await openPage();
    await page.click('#options-details > summary');
    await page.check('input[name="features"][value="mfa"]');
    await convert(page, file);
    const expected = readJson(join(out, 'report.json'));
    assert.deepEqual(await shownSummary(page), expected.summary);
    assert.equal(expected.summary.rejected, 2);

    const html = await page.evaluate(() => document.documentElement.outerHTML);
    assert.ok(!html.includes(BCRYPT), 'the bcrypt digest is not in the DOM');
    assert.ok(!html.includes(TOTP_SECRET), 'the TOTP secret is not in the DOM');

    const csv = (await download(page, 'rejected.csv')).toString('utf8');
    const lines = csv.split('\r\n');
    assert.equal(lines[0], 'record,line,userId,code,message');
    assert.equal(lines.length, 2 + 2, 'a header, two rejected rows, and the final CRLF');
    assert.ok(lines[1].startsWith(`2,3,"'=HYPERLINK(""http://x"")",no-identifier,`), `the formula id is neutralised: ${lines[1]}`);
    assert.ok(lines[2].startsWith('3,4,user_nobody,no-identifier,'), lines[2]);
    for (const line of lines.slice(1, -1)) {
      for (const cell of line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)) assert.ok(!/^"?[=+\-@\t\r]/.test(cell), `cell starts with a formula trigger: ${cell}`);
    }
    // Delete takes rejected.csv away with the rest, from the page and from OPFS.
    assert.ok((await downloadButtons(page)).includes('rejected.csv'));
    assert.ok(Object.values(await opfsListing(page)).some((dir) => 'rejected.csv' in dir));
    await page.click('#forget');
    assert.match(await forgetOutcome(page), /^Deleted \d+ files/);
    assert.deepEqual(await downloadButtons(page), []);
    assert.deepEqual(await opfsListing(page), {});

    // Each chart is an SVG with a title and a label holding its numbers, plus a table of them.
    const charts = await page.$$eval('#charts figure', (figs) => figs.map((f) => ({
      id: f.dataset.chart,
      title: f.querySelector('svg > title')?.textContent,
      label: f.querySelector('svg')?.getAttribute('aria-label'),
      role: f.querySelector('svg')?.getAttribute('role'),
      rows: [...f.querySelectorAll('table tbody tr')].map((tr) => [...tr.cells].map((c) => c.textContent)),
    })));
    assert.deepEqual(charts.map((c) => c.id), ['outcomes', 'hashers', 'identities', 'mfa']);
    for (const c of charts) {
      assert.equal(c.role, 'img');
      assert.ok(c.title && c.label === c.title, `${c.id} has a title and an aria-label`);
    }
    assert.deepEqual(charts[0].rows, [['converted', '1', '33%'], ['deferred', '0', '0%'], ['rejected', '2', '67%']]);
    assert.deepEqual(charts[1].rows, [['no password', '2', '67%'], ['bcrypt', '1', '33%']], 'stats count every user read, rejected ones too');
    assert.match(charts[3].label, /^MFA \(TOTP\) share\. Records: 1 with TOTP \(33%\), 2 without TOTP \(67%\)\.$/);
    await page.context().close();
  });

  test('the Validate tab shows the core\'s status, body and per-user messages, computed in the worker', async () => {
    const page = await openPage();
    // Keyboard: the selected tab is in the Tab order, arrows move between tabs.
    await page.focus('#tab-convert');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-validate');
    assert.equal(await page.getAttribute('#tab-validate', 'aria-selected'), 'true');
    assert.equal(await page.getAttribute('#tab-convert', 'tabindex'), '-1');
    assert.equal(await page.isHidden('#panel-convert'), true);
    assert.equal(await page.isVisible('#panel-validate'), true);

    const body = '{"users":[{"externalUserId":[],"userRoles":{},"totpDevices":{}}]}';
    await page.fill('#validate-body', body);
    await page.click('#validate-run');
    await page.waitForSelector('#verdict:not([hidden])');
    assert.equal(await page.textContent('#verdict-http'), 'HTTP 400');
    assert.equal(await page.textContent('#verdict-body'), validateBulkImport(body).body);
    const rows = await page.$$eval('#verdict-users tbody tr', (trs) => trs.map((tr) => [tr.cells[0].textContent, [...tr.cells[1].querySelectorAll('li')].map((li) => li.textContent)]));
    assert.deepEqual(rows, [['0', ['externalUserId should be of type string.', 'userRoles should be of type array of object.', 'totpDevices should be of type array of object.', 'loginMethods is required.']]]);

    // Unknown roles: the role check is skipped and listed. Known and empty: it runs and fails.
    const withRole = JSON.stringify({ users: [{ externalUserId: 'u1', userRoles: [{ role: 'admin', tenantIds: ['public'] }], loginMethods: [{ recipeId: 'passwordless', email: 'a@example.com', tenantIds: ['public'], isPrimary: true, isVerified: true, timeJoinedInMSSinceEpoch: 1700000000000 }] }] });
    await page.fill('#validate-body', withRole);
    await page.click('#validate-run');
    await page.waitForFunction(() => document.getElementById('validate-status').textContent.startsWith('Validated'));
    assert.equal(await page.textContent('#verdict-http'), 'HTTP 200');
    assert.match(await page.textContent('#verdict-skipped'), /role-exists/);
    assert.equal(await page.isDisabled('#ctx-roles'), true, 'the roles field is off until "I know the roles" is ticked');
    await page.check('#ctx-know-roles');
    assert.equal(await page.isDisabled('#ctx-roles'), false);
    await page.click('#validate-run');
    await page.waitForFunction(() => document.getElementById('verdict-body').textContent.includes('Role admin does not exist.'));
    assert.equal(await page.textContent('#verdict-http'), 'HTTP 400');
    assert.doesNotMatch(await page.textContent('#verdict-skipped'), /role-exists/);
    assert.equal(await page.textContent('#verdict-body'), validateBulkImport(withRole, { roles: [] }).body);

    await page.fill('#validate-body', body);
    await page.click('#validate-run');
    await page.waitForFunction(() => document.getElementById('verdict-http').textContent === 'HTTP 400');
    await page.locator('#validate-run').blur();
    await screenshot(page, 'validate', true);
    await page.setViewportSize({ width: 360, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the Validate tab is ${overflow} px wider than a 360 px window`);
    await page.context().close();
  });

  test(`a ${LARGE_USERS.toLocaleString('en')}-user export converts with progress arriving throughout and the page answering clicks`, async () => {
    const page = await openPage();
    // Count progress updates as the page shows them.
    await page.evaluate(() => {
      window.__progress = [];
      new MutationObserver(() => window.__progress.push(Number(document.getElementById('progress-bar').value)))
        .observe(document.getElementById('progress-text'), { childList: true, characterData: true, subtree: true });
    });
    await page.setInputFiles('#file-input', large);
    await page.click('#convert');
    await page.waitForFunction(() => window.__progress.filter((v) => v > 0).length >= 2, null, { polling: 'raf', timeout: 20_000 });
    // A real click while the worker converts: the details element toggles at once.
    await page.click('#options-details > summary');
    const atClick = await page.evaluate(() => ({ open: document.getElementById('options-details').open, state: document.body.dataset.state, updates: window.__progress.length }));
    assert.deepEqual([atClick.open, atClick.state], [true, 'converting'], 'the click was handled while converting');
    await page.waitForSelector('#results:not([hidden])', { timeout: 60_000 });
    const updates = await page.evaluate(() => window.__progress);
    assert.ok(updates.length > atClick.updates, 'progress kept arriving after the click');
    assert.ok(updates.length >= 10, `progress arrived throughout (${updates.length} updates)`);
    assert.deepEqual(updates, [...updates].sort((a, b) => a - b), 'progress only moves forward');
    assert.deepEqual(await shownSummary(page), { records: LARGE_USERS, converted: LARGE_USERS, deferred: 0, rejected: 0, batches: 20 });
    assert.match(await page.textContent('#downloads'), /batches\.zip [\d.]+ MB · all 20 batch files/);
    await page.context().close();
  });

  test('Cancel stops a running conversion, and a new conversion then works', async () => {
    const big = large;
    const page = await openPage();
    const converter = page.workers()[0];
    assert.ok(converter, 'the page runs a worker');
    const closed = new Promise((resolve) => converter.once('close', resolve));

    await page.setInputFiles('#file-input', big);
    await page.click('#convert');
    await page.waitForFunction(() => {
      const bar = document.getElementById('progress-bar');
      return document.body.dataset.state === 'converting' && bar.value > 0 && bar.value < bar.max;
    }, null, { polling: 'raf', timeout: 10_000 });
    assert.match(await page.textContent('#progress-text'), /% · .* MB of .* MB · [\d,]+ users · [\d,]+ users\/s$/);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'converting');
    // Check and click in one turn of the page's event loop, so the conversion cannot finish between them.
    const clicked = await page.evaluate(() => {
      if (document.body.dataset.state !== 'converting') return false;
      document.getElementById('cancel').click();
      return true;
    });
    assert.ok(clicked, 'the conversion was still running when Cancel was clicked (it finished too fast to cancel)');
    await closed; // the worker doing the conversion is gone
    await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 10_000 });
    assert.match(await page.textContent('#status'), /^Conversion cancelled\. Ready to convert\./);
    assert.equal(await page.isHidden('#progress-panel'), true);
    assert.equal(await page.isHidden('#results'), true);
    assert.equal(await page.isHidden('#cancel'), true);

    const cancelledRun = Object.keys(await opfsListing(page));
    assert.equal(cancelledRun.length, 1, 'the cancelled conversion left its partial files');

    await convert(page, SAMPLE);
    assert.deepEqual(await shownSummary(page), { records: 4, converted: 3, deferred: 1, rejected: 0, batches: 1 });
    const runs = Object.keys(await opfsListing(page));
    assert.equal(runs.length, 1, `only the new conversion's directory is left: ${runs}`);
    assert.notEqual(runs[0], cancelledRun[0], 'the cancelled conversion\'s directory was removed');
    await page.context().close();
  });

  test('no request left the server\'s origin, and nothing was blocked or failed', () => {
    const origin = new URL(server.url).origin;
    assert.ok(requests.some((u) => u.endsWith('/worker.js')), 'requests were recorded (worker)');
    assert.ok(requests.some((u) => u.endsWith('/pkg/clerk_to_supertokens_bg.wasm')), 'requests were recorded (wasm)');
    const foreign = requests.filter((u) => !(u.startsWith(`${origin}/`) || u.startsWith(`blob:${origin}/`) || u.startsWith('data:')));
    assert.deepEqual(foreign, []);
    assert.deepEqual(problems, []);
  });
});
