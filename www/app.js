// The page's main thread: UI only. The conversion runs in worker.js (protocol described
// there); Cancel terminates that worker and starts a fresh one, because a running wasm call
// cannot be interrupted any other way. User-supplied text is only ever set with textContent.
// The worker writes the output files to a directory of the Origin Private File System that this
// page claims per conversion (www/output-store.js); stale directories are removed on load and
// before each conversion, and "Delete these files from this browser" removes the current one
// at once (or, where the files are kept in memory, lets go of them).
import { formToOptions, describeOptions, OptionsError } from './options.js';
import { DiagnosticsTable } from './diagnostics.js';
import { renderCharts } from './charts.js';
import { setupTabs } from './tabs.js';
import { setupValidateTab } from './validate.js';
import { opfsRoot, claimRun, removeStaleRuns, deleteRun } from './output-store.js';

const $ = (id) => document.getElementById(id);
const el = {
  form: $('convert-form'),
  drop: $('drop-zone'),
  file: $('file-input'),
  fileName: $('file-name'),
  convert: $('convert'),
  cancel: $('cancel'),
  status: $('status'),
  progressPanel: $('progress-panel'),
  progressBar: $('progress-bar'),
  progressText: $('progress-text'),
  error: $('error'),
  results: $('results'),
  resultsTitle: $('results-title'),
  reconcile: $('reconcile'),
  downloadsTitle: $('downloads-title'),
  downloads: $('downloads'),
  storageNote: $('storage-note'),
  secretPanel: $('secret-panel'),
  secretAck: $('secret-ack'),
  secretDownloads: $('secret-downloads'),
  forgetPanel: $('forget-panel'),
  forget: $('forget'),
  forgetStatus: $('forget-status'),
  previewBody: document.querySelector('#preview tbody'),
  previewEmpty: $('preview-empty'),
  optionsDetails: $('options-details'),
  optionsSummary: $('options-summary'),
  charts: $('charts'),
};

const diagnostics = new DiagnosticsTable({
  tbody: document.querySelector('#diagnostics tbody'),
  code: $('diag-code'),
  severity: $('diag-severity'),
  search: $('diag-search'),
  count: $('diag-count'),
  page: $('diag-page'),
  prev: $('diag-prev'),
  next: $('diag-next'),
});

/** 'starting' (worker loading) | 'ready' | 'converting' | 'failed' (worker cannot start) */
let state = 'starting';
let worker = null;
/** @type {File | null} */
let chosen = null;
/** Object URLs of the current results, revoked when they are replaced. */
let objectUrls = [];
/** The OPFS directory of this page's latest conversion, and the release of its lock. */
let run = null;
/** The files of the results on screen, {files, storage}; null before any and once they are deleted. */
let shown = null;
/** Bumped whenever the results on screen change, so a deletion that ends later leaves new results alone. */
let shownId = 0;
/** The deletion under way, if any: a new conversion waits for it before claiming its directory. */
let deleting = null;
/** The last conversion was cancelled: said once, when the fresh worker is ready. */
let cancelled = false;
/** Validations sent to the worker and not yet answered: id -> {text, context, resolve}. */
const validations = new Map();
let validationId = 0;

const number = (n) => Number(n ?? 0).toLocaleString('en');
const megabytes = (bytes) => `${(bytes / 1e6).toLocaleString('en', { maximumFractionDigits: 1 })} MB`;
const size = (bytes) => (bytes < 1e3 ? `${bytes} B` : bytes < 1e6 ? `${(bytes / 1e3).toFixed(1)} KB` : megabytes(bytes));

function setState(next, message) {
  state = next;
  document.body.dataset.state = next;
  el.convert.disabled = next !== 'ready' || !chosen;
  el.cancel.hidden = next !== 'converting';
  el.file.disabled = next === 'converting';
  el.form.querySelector('fieldset.options').disabled = next === 'converting';
  el.form.setAttribute('aria-busy', String(next === 'converting'));
  if (message !== undefined) el.status.textContent = message;
}

function startWorker() {
  worker?.terminate();
  worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: 'converter' });
  const self = worker;
  worker.onmessage = ({ data }) => {
    if (worker !== self) return; // a message from a worker we already replaced
    onMessage(data);
  };
  // A validation the old worker had not answered (Cancel replaced it) goes to the new one.
  for (const [id, v] of validations) worker.postMessage({ type: 'validate', id, text: v.text, context: v.context });
  worker.onerror = (event) => {
    if (worker !== self) return;
    event.preventDefault();
    showError(`The converter stopped unexpectedly${event.message ? `: ${event.message}` : '.'}`);
    setState('failed', 'The converter could not run. Reload the page to try again.');
  };
  setState('starting', 'Starting the converter…');
}

function onMessage(msg) {
  switch (msg.type) {
    case 'ready':
      setState('ready', `${cancelled ? 'Conversion cancelled. ' : ''}${chosen ? 'Ready to convert.' : 'Ready: choose a Dashboard CSV.'}`);
      cancelled = false;
      break;
    case 'progress':
      showProgress(msg);
      break;
    case 'validation': {
      const pending = validations.get(msg.id);
      validations.delete(msg.id);
      pending?.resolve(msg.error ? { error: msg.error } : { verdict: msg.verdict });
      break;
    }
    case 'result':
      showResult(msg);
      setState('ready', `Converted ${number(msg.summary.records)} records in ${(msg.elapsedMs / 1000).toFixed(2)} s.`);
      break;
    case 'error':
      el.progressPanel.hidden = true;
      showError(msg.phase === 'options' ? `Check the options: ${msg.message}` : msg.message);
      if (msg.phase === 'options') el.optionsDetails.open = true;
      if (msg.phase === 'init') setState('failed', 'The converter could not start.');
      else setState('ready', 'The conversion did not complete.');
      break;
  }
}

function showProgress(p) {
  el.progressBar.max = Math.max(1, p.totalBytes);
  el.progressBar.value = p.bytes;
  const pct = p.totalBytes ? Math.floor((100 * p.bytes) / p.totalBytes) : 100;
  el.progressText.textContent = `${pct}% · ${megabytes(p.bytes)} of ${megabytes(p.totalBytes)} · ${number(p.records)} users · ${number(p.usersPerSecond)} users/s`;
  el.progressBar.setAttribute('aria-valuetext', `${pct}% of the file read, ${number(p.records)} users`);
}

function showError(message) {
  el.error.textContent = message;
  el.error.hidden = false;
}

function clearResults() {
  for (const url of objectUrls) URL.revokeObjectURL(url);
  objectUrls = [];
  shown = null;
  shownId++;
  el.results.hidden = true;
  el.error.hidden = true;
  el.error.textContent = '';
}

function chooseFile(file) {
  chosen = file ?? null;
  el.fileName.textContent = chosen ? `${chosen.name} (${size(chosen.size)})` : 'No file chosen.';
  if (state === 'ready') setState('ready', chosen ? 'Ready to convert.' : 'Ready: choose a Dashboard CSV.');
}

function readForm() {
  const data = new FormData(el.form);
  return formToOptions({
    features: data.getAll('features'),
    tenant: data.get('tenant'),
    unsupportedHash: data.get('unsupportedHash'),
    batchSize: data.get('batchSize'),
    banned: data.get('banned'),
    externalId: data.get('externalId'),
    providerMap: data.get('providerMap'),
    rolesFrom: data.get('rolesFrom'),
    includePrivateMetadata: data.get('includePrivateMetadata') === 'on',
    inputFormat: data.get('inputFormat'),
    legacyVerified: data.get('legacyVerified') === 'on',
  });
}

function summariseOptions() {
  try {
    el.optionsSummary.textContent = describeOptions(readForm());
  } catch (err) {
    if (!(err instanceof OptionsError)) throw err;
    el.optionsSummary.textContent = err.message;
  }
}

/**
 * Removes the stale OPFS directories (this page's previous conversion included) and claims a
 * new one; null when there is no OPFS here, so the worker keeps the files in memory.
 */
async function nextRun() {
  run?.release();
  run = null;
  const root = await opfsRoot();
  if (!root) return null;
  try {
    await removeStaleRuns(root);
    run = await claimRun();
    return run.name;
  } catch {
    return null;
  }
}

async function start() {
  if (state !== 'ready' || !chosen) return;
  const file = chosen;
  clearResults();
  let options;
  try {
    options = readForm();
  } catch (err) {
    if (!(err instanceof OptionsError)) throw err;
    showError(`Check the options: ${err.message}`);
    el.optionsDetails.open = true;
    return;
  }
  showProgress({ bytes: 0, totalBytes: file.size, records: 0, usersPerSecond: 0 });
  el.progressPanel.hidden = false;
  setState('converting', `Converting ${file.name}…`);
  const converter = worker;
  await deleting; // a deletion still running ends first (it settles, never rejects)
  const runName = await nextRun();
  if (worker !== converter || state !== 'converting') return; // cancelled meanwhile
  worker.postMessage({ type: 'start', file, options, run: runName });
}

function cancel() {
  if (state !== 'converting') return;
  // Terminating is the only way to stop a wasm call that is running.
  el.progressPanel.hidden = true;
  cancelled = true;
  startWorker();
  el.status.textContent = 'Cancelled. Starting a fresh converter…';
  el.convert.focus();
}

/** Sends a body to the worker's core-parity validator; resolves to {verdict} or {error}. */
function validateInWorker(text, context) {
  return new Promise((resolve) => {
    const id = ++validationId;
    validations.set(id, { text, context, resolve });
    if (state === 'failed') {
      validations.delete(id);
      resolve({ error: 'The converter could not start, so nothing can be validated. Reload the page to try again.' });
      return;
    }
    worker.postMessage({ type: 'validate', id, text, context });
  });
}

/** The zip first: it is the one download most people need. */
const downloadOrder = (f) => (f.name.endsWith('.zip') ? 0 : 1);

const STORAGE_NOTES = {
  opfs: 'These files are kept in this browser\'s private storage for this page, on this computer only, until you delete them (below), convert again or next open the page.',
  memory: 'This browser gives the page no private file storage, so these files are kept in memory: a very large export may not fit.',
};
const DELETED_NOTES = {
  opfs: 'These files were deleted from this browser\'s storage. Convert the export again to get them back.',
  memory: 'This page no longer holds these files. Convert the export again to get them back.',
};
const FORGET_LABEL = 'Delete these files from this browser';
const FORGET_AGAIN_LABEL = 'Try deleting these files again';

function showResult({ summary, stats, files, storage, diagnostics: rows, preview }) {
  el.progressPanel.hidden = true;
  for (const key of ['records', 'converted', 'deferred', 'rejected', 'batches']) $(`sum-${key}`).textContent = number(summary[key]);
  const balanced = summary.records === summary.converted + summary.deferred + summary.rejected;
  el.reconcile.textContent = `${number(summary.records)} records = ${number(summary.converted)} converted + ${number(summary.deferred)} deferred + ${number(summary.rejected)} rejected`
    + (balanced ? ' ✓ every record is accounted for.' : ' ✗ the counts do not add up; please report this.');
  el.reconcile.className = balanced ? 'reconcile ok' : 'reconcile bad';

  renderCharts(el.charts, summary, stats);

  const ordered = [...files].sort((a, b) => downloadOrder(a) - downloadOrder(b));
  el.downloads.replaceChildren(...ordered.filter((f) => !f.secret).map(downloadItem));
  el.storageNote.textContent = STORAGE_NOTES[storage] ?? '';
  el.storageNote.dataset.storage = storage;
  delete el.storageNote.dataset.deleted;
  const secrets = ordered.filter((f) => f.secret);
  el.secretPanel.hidden = secrets.length === 0;
  el.secretAck.checked = false;
  el.secretDownloads.replaceChildren(...secrets.map(downloadItem));
  syncSecretButtons();
  shown = { files, storage };
  shownId++;
  el.forgetPanel.hidden = files.length === 0;
  el.forget.textContent = FORGET_LABEL;
  el.forget.removeAttribute('aria-disabled');
  el.forgetStatus.textContent = '';
  el.forgetStatus.classList.remove('failed');

  renderPreview(preview);
  diagnostics.load(rows);
  el.results.hidden = false;
  el.resultsTitle.focus();
}

function downloadItem(file) {
  const li = document.createElement('li');
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'download';
  button.dataset.file = file.name;
  if (file.secret) button.dataset.secret = 'true';
  button.textContent = `Download ${file.name}`;
  const meta = document.createElement('span');
  meta.className = 'muted';
  meta.textContent = ` ${size(file.size)}${file.files ? ` · all ${number(file.files)} batch file${file.files === 1 ? '' : 's'}` : ''}`;
  button.addEventListener('click', () => download(file));
  li.append(button, meta);
  return li;
}

function download(file) {
  if (!file.blob || (file.secret && !el.secretAck.checked)) return;
  const url = URL.createObjectURL(file.blob);
  objectUrls.push(url);
  const a = document.createElement('a');
  a.href = url;
  a.download = file.name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
}

/**
 * Deletes the current conversion's directory: its lock released, then removed. Resolves to null
 * when it is gone (or there was none: the files were in memory), or to the browser's refusal,
 * in which case the directory is still there and claimed again.
 */
async function deleteCurrentRun() {
  if (!run) return null;
  const claimed = run;
  run = null;
  const root = await opfsRoot();
  if (!root) {
    claimed.release();
    return null;
  }
  const outcome = await deleteRun(root, claimed);
  run = outcome.run;
  return outcome.error;
}

const inUse = (err) => ['NoModificationAllowedError', 'InvalidModificationError'].includes(err?.name);

/** "Delete these files from this browser": the files go, the summary and diagnostics stay. */
async function deleteFiles() {
  if (!shown || deleting || el.forget.getAttribute('aria-disabled') === 'true') return;
  const id = shownId;
  const { files, storage } = shown;
  // aria-disabled, not disabled, so focus stays on the button while the browser works.
  el.forget.setAttribute('aria-disabled', 'true');
  el.forgetStatus.classList.remove('failed');
  el.forgetStatus.textContent = 'Deleting these files…';
  let failure = null;
  deleting = deleteCurrentRun().catch((err) => err ?? new Error('unknown error')).then((err) => { failure = err; });
  await deleting;
  deleting = null;
  if (id !== shownId) return; // other results (or none) are on screen now
  el.forget.removeAttribute('aria-disabled');
  if (failure) {
    el.forget.textContent = FORGET_AGAIN_LABEL;
    el.forgetStatus.classList.add('failed');
    el.forgetStatus.textContent = inUse(failure)
      ? `These files were not deleted: the browser says one of them is still in use, by a download that is still reading it, say. Let your downloads finish, then choose “${FORGET_AGAIN_LABEL}”.`
      : `These files could not be deleted (${failure.name || 'Error'}: ${failure.message || failure}). Choose “${FORGET_AGAIN_LABEL}”; failing that, they are deleted the next time you convert or open this page.`;
    return;
  }
  // Let go of every reference the page holds: object URLs, the Files or Blobs, their buttons.
  for (const url of objectUrls) URL.revokeObjectURL(url);
  objectUrls = [];
  for (const file of files) file.blob = null;
  shown = null;
  const bytes = files.reduce((sum, f) => sum + f.size, 0);
  el.downloads.replaceChildren();
  el.secretDownloads.replaceChildren();
  el.secretAck.checked = false;
  el.secretPanel.hidden = true;
  el.forgetPanel.hidden = true;
  el.storageNote.textContent = DELETED_NOTES[storage] ?? DELETED_NOTES.opfs;
  el.storageNote.dataset.deleted = 'true';
  const where = storage === 'memory' ? 'this page\'s memory' : 'this browser\'s storage';
  el.forgetStatus.textContent = `Deleted ${number(files.length)} file${files.length === 1 ? '' : 's'} (${size(bytes)}) from ${where}.`;
  // The button is gone: focus goes to the heading of the section it was in.
  el.downloadsTitle.focus();
}

function syncSecretButtons() {
  for (const b of el.secretDownloads.querySelectorAll('button')) b.disabled = !el.secretAck.checked;
}

function renderPreview(users) {
  const rows = users.map((u) => {
    const tr = document.createElement('tr');
    for (const value of [u.externalUserId, u.name, u.identifiers, u.loginMethods, u.password, u.totp]) {
      const td = document.createElement('td');
      td.textContent = value ?? '';
      tr.append(td);
    }
    return tr;
  });
  el.previewBody.replaceChildren(...rows);
  el.previewEmpty.hidden = users.length > 0;
}

el.file.addEventListener('change', () => chooseFile(el.file.files?.[0]));
el.form.addEventListener('submit', (event) => {
  event.preventDefault();
  start();
});
el.cancel.addEventListener('click', cancel);
el.form.addEventListener('input', summariseOptions);
el.form.addEventListener('change', summariseOptions);
el.secretAck.addEventListener('change', syncSecretButtons);
el.forget.addEventListener('click', deleteFiles);
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape') cancel();
});

// Drops anywhere on the page are caught, so a missed drop never navigates away to the file.
for (const type of ['dragover', 'drop']) window.addEventListener(type, (event) => event.preventDefault());
el.drop.addEventListener('dragenter', () => el.drop.classList.add('over'));
el.drop.addEventListener('dragover', (event) => {
  event.dataTransfer.dropEffect = state === 'converting' ? 'none' : 'copy';
  el.drop.classList.add('over');
});
el.drop.addEventListener('dragleave', (event) => {
  if (!el.drop.contains(event.relatedTarget)) el.drop.classList.remove('over');
});
el.drop.addEventListener('drop', (event) => {
  el.drop.classList.remove('over');
  if (state === 'converting') return;
  const file = event.dataTransfer?.files?.[0];
  if (file) chooseFile(file);
});

setupTabs(document.querySelector('[role="tablist"]'));
setupValidateTab(validateInWorker);
startWorker();
// Leftovers of earlier visits: finished, cancelled or crashed conversions nobody holds.
opfsRoot().then((root) => root && removeStaleRuns(root)).catch(() => {});
