// The Validate tab: paste or drop any bulk-import body ({"users": [...]}, a batch file say) and
// see what the SuperTokens core would answer, computed in the worker by the core-parity
// validator. Every value is written with textContent.
import { contextFromForm, verdictSummary, describeSkippedCheck } from './validate-context.js';

/** Bodies longer than this are validated as loaded, not copied into the text area. */
const SHOW_CHARS = 1_000_000;
/** Users listed in the table; the rest are counted. */
const MAX_ROWS = 1000;

const $ = (id) => document.getElementById(id);

/** @param {(text: string, context: object) => Promise<{verdict?: object, error?: string}>} validate */
export function setupValidateTab(validate) {
  const el = {
    form: $('validate-form'),
    drop: $('validate-drop'),
    file: $('validate-file'),
    fileName: $('validate-file-name'),
    body: $('validate-body'),
    knowFeatures: $('ctx-know-features'),
    features: $('ctx-features'),
    knowRoles: $('ctx-know-roles'),
    roles: $('ctx-roles'),
    knowTenants: $('ctx-know-tenants'),
    tenants: $('ctx-tenants'),
    firebase: $('ctx-firebase'),
    run: $('validate-run'),
    status: $('validate-status'),
    verdict: $('verdict'),
    title: $('verdict-title'),
    http: $('verdict-http'),
    summary: $('verdict-summary'),
    responseBody: $('verdict-body'),
    count: $('verdict-count'),
    users: document.querySelector('#verdict-users tbody'),
    usersWrap: $('verdict-users-wrap'),
    skipped: $('verdict-skipped'),
    error: $('validate-error'),
  };
  /** A loaded body too large to show in the text area: {name, text}. */
  let loaded = null;
  let running = false;

  const syncContext = () => {
    el.features.disabled = !el.knowFeatures.checked;
    el.roles.disabled = !el.knowRoles.checked;
    el.tenants.disabled = !el.knowTenants.checked;
  };
  for (const box of [el.knowFeatures, el.knowRoles, el.knowTenants]) box.addEventListener('change', syncContext);
  syncContext();

  async function load(file) {
    if (!file) return;
    const text = await file.text();
    if (text.length <= SHOW_CHARS) {
      loaded = null;
      el.body.value = text;
      el.fileName.textContent = `${file.name} loaded into the text area.`;
    } else {
      loaded = { name: file.name, text };
      el.body.value = '';
      el.fileName.textContent = `${file.name} loaded (${text.length.toLocaleString('en')} characters, too long to show); Validate checks it as it is. Typing in the text area replaces it.`;
    }
  }

  el.file.addEventListener('change', () => load(el.file.files?.[0]));
  el.body.addEventListener('input', () => {
    if (loaded) {
      loaded = null;
      el.fileName.textContent = '';
    }
  });
  el.drop.addEventListener('dragover', (event) => {
    event.dataTransfer.dropEffect = 'copy';
    el.drop.classList.add('over');
  });
  el.drop.addEventListener('dragleave', (event) => {
    if (!el.drop.contains(event.relatedTarget)) el.drop.classList.remove('over');
  });
  el.drop.addEventListener('drop', (event) => {
    el.drop.classList.remove('over');
    load(event.dataTransfer?.files?.[0]);
  });

  el.form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (running) return;
    const text = loaded ? loaded.text : el.body.value;
    if (!text.trim()) {
      el.status.textContent = 'Paste a body or choose a file first.';
      return;
    }
    const context = contextFromForm({
      knowFeatures: el.knowFeatures.checked,
      features: [...el.features.querySelectorAll('input:checked')].map((i) => i.value),
      knowRoles: el.knowRoles.checked,
      roles: el.roles.value,
      knowTenants: el.knowTenants.checked,
      tenants: el.tenants.value,
      firebase: el.firebase.value,
    });
    running = true;
    el.run.disabled = true;
    el.form.setAttribute('aria-busy', 'true');
    el.status.textContent = 'Validating…';
    el.error.hidden = true;
    try {
      const { verdict, error } = await validate(text, context);
      if (error) {
        el.error.textContent = error;
        el.error.hidden = false;
        el.verdict.hidden = true;
        el.status.textContent = 'The body could not be validated.';
      } else {
        show(verdict);
        el.status.textContent = `Validated: HTTP ${verdict.status}.`;
      }
    } finally {
      running = false;
      el.run.disabled = false;
      el.form.setAttribute('aria-busy', 'false');
    }
  });

  function show(verdict) {
    el.http.textContent = `HTTP ${verdict.status}`;
    el.http.className = `badge status-${verdict.status === 200 ? 'ok' : 'bad'}`;
    el.summary.textContent = verdictSummary(verdict);
    el.responseBody.textContent = verdict.body ?? '(no fixed body: a 200 that stages users answers with their new ids, which are random)';

    const failing = [];
    verdict.users.forEach((u, index) => {
      if (u.errors.length > 0 || u.coreWouldCrash) failing.push([index, u]);
    });
    const rows = failing.slice(0, MAX_ROWS).map(([index, u]) => {
      const tr = document.createElement('tr');
      const i = document.createElement('td');
      i.textContent = String(index);
      const errors = document.createElement('td');
      const list = document.createElement('ul');
      list.className = 'messages';
      for (const message of u.errors) {
        const li = document.createElement('li');
        li.textContent = message;
        list.append(li);
      }
      errors.append(list);
      const crash = document.createElement('td');
      crash.textContent = u.coreWouldCrash ? `yes${u.crash ? `: ${u.crash.kind}${u.crash.element ? ` (${u.crash.element})` : ''}` : ''}` : 'no';
      tr.append(i, errors, crash);
      return tr;
    });
    el.users.replaceChildren(...rows);
    el.usersWrap.hidden = failing.length === 0;
    el.count.textContent = failing.length === 0
      ? `No user has an error (${verdict.users.length.toLocaleString('en')} checked).`
      : `${failing.length.toLocaleString('en')} of ${verdict.users.length.toLocaleString('en')} users have errors${failing.length > MAX_ROWS ? `; the first ${MAX_ROWS.toLocaleString('en')} are listed (the response body has them all)` : ''}.`;

    const skipped = verdict.skippedChecks.map((check) => {
      const li = document.createElement('li');
      li.textContent = describeSkippedCheck(check);
      return li;
    });
    if (skipped.length === 0) {
      const li = document.createElement('li');
      li.textContent = 'None: every check this body needs could run.';
      skipped.push(li);
    }
    el.skipped.replaceChildren(...skipped);
    el.verdict.hidden = false;
    el.title.focus();
  }
}
