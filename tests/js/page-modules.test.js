// The page's DOM-free modules under Node: the options form maps to the CLI's ConvertOptions,
// and the diagnostics filter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formToOptions, parseProviderMap, describeOptions, OptionsError } from '../../www/options.js';
import { convertOptions } from '../../host/cli/convert.js';
import { filterDiagnostics } from '../../www/diagnostics.js';

const EMPTY_FORM = { features: [], tenant: '', unsupportedHash: '', batchSize: '', banned: '', externalId: '', providerMap: '', rolesFrom: '', includePrivateMetadata: false, inputFormat: '', legacyVerified: false };

test('the form and the CLI flags give the same ConvertOptions', () => {
  assert.deepEqual(formToOptions(EMPTY_FORM), convertOptions({}));
  const form = { ...EMPTY_FORM, features: ['account_linking', 'mfa'], tenant: ' t1 ', unsupportedHash: 'reset', batchSize: '500', banned: 'import', externalId: 'external-id', providerMap: 'oauth_custom_acme=acme\n\n# comment\noauth_x = y\n', rolesFrom: 'roles', includePrivateMetadata: true, inputFormat: 'dashboard-csv', legacyVerified: true };
  const flags = { features: 'account_linking,mfa', tenant: 't1', 'unsupported-hash': 'reset', 'batch-size': '500', banned: 'import', 'external-id': 'external-id', 'provider-map': ['oauth_custom_acme=acme', 'oauth_x=y'], 'roles-from': 'roles', 'include-private-metadata': true, 'input-format': 'dashboard-csv', 'legacy-verified': true };
  assert.deepEqual(formToOptions(form), convertOptions(flags));
});

test('bad form values are reported with the field they came from', () => {
  assert.throws(() => formToOptions({ ...EMPTY_FORM, batchSize: '1e3' }), (e) => e instanceof OptionsError && e.field === 'batchSize');
  assert.throws(() => parseProviderMap('ok=fine\nbroken'), /provider map line 2: expected clerk_provider=thirdPartyId, got 'broken'/);
  assert.throws(() => parseProviderMap('=x'), OptionsError);
  assert.equal(parseProviderMap(' \n'), undefined);
});

test('the options summary names only what differs from the CLI defaults', () => {
  assert.equal(describeOptions(formToOptions({ ...EMPTY_FORM, batchSize: '10000', unsupportedHash: 'defer', banned: 'skip', externalId: 'clerk-id' })), 'CLI defaults');
  assert.equal(describeOptions({ batchSize: 2, features: ['mfa'], providerMap: { a: 'b' }, legacyVerified: true }), 'batch size: 2 · features: mfa · provider map: a=b · legacy verified: yes');
});

test('diagnostics filter by code, severity and text, in report order', () => {
  const rows = [
    { code: 'a', severity: 'error', record: 1, line: 2, userId: 'user_1', message: 'First' },
    { code: 'b', severity: 'warning', record: 2, line: 3, userId: 'user_2', message: 'Second' },
    { code: 'a', severity: 'warning', record: 3, line: 4, message: 'third, no user' },
  ];
  assert.deepEqual(filterDiagnostics(rows, {}), [0, 1, 2]);
  assert.deepEqual(filterDiagnostics(rows, { code: 'a' }), [0, 2]);
  assert.deepEqual(filterDiagnostics(rows, { code: 'a', severity: 'warning' }), [2]);
  assert.deepEqual(filterDiagnostics(rows, { query: '  USER_2 ' }), [1]);
  assert.deepEqual(filterDiagnostics(rows, { query: 'second', code: 'a' }), []);
});

test('chart data: outcomes, hasher mix (top six, then other), identities and the MFA share', async () => {
  const { chartModels, describeChart } = await import('../../www/charts.js');
  const summary = { records: 10, converted: 6, deferred: 3, rejected: 1 };
  const stats = { hashers: { bcrypt: 5, none: 2, md5: 1, sha1: 1, a: 0, b: 0, c: 1 }, emailsVerified: 4, emailsUnverified: 2, phonesVerified: 0, phonesUnverified: 0, usersWithTotp: 3 };
  const [outcomes, hashers, identities, mfa] = chartModels(summary, stats);
  assert.deepEqual(outcomes.bars[0].segments.map((s) => s.value), [6, 3, 1]);
  assert.deepEqual(hashers.bars[0].segments.map((s) => [s.label, s.value]), [['bcrypt', 5], ['no password', 2], ['c', 1], ['md5', 1], ['sha1', 1], ['a', 0], ['other (1 hashers)', 0]].slice(0, 6));
  assert.equal(describeChart(identities), 'Verified identities. Emails: 4 verified (67%), 2 unverified (33%); Phones: none.');
  assert.equal(describeChart(mfa), 'MFA (TOTP) share. Records: 3 with TOTP (30%), 7 without TOTP (70%).');
  const many = chartModels(summary, { hashers: Object.fromEntries('abcdefgh'.split('').map((k, i) => [k, 10 - i])) })[1];
  assert.deepEqual(many.bars[0].segments.at(-1), { label: 'other (2 hashers)', value: 7, tone: 'other' });
});

test('the Validate tab\'s context: unknown lists are left out, known-empty lists are empty', async () => {
  const { contextFromForm, parseList, verdictSummary, describeSkippedCheck } = await import('../../www/validate-context.js');
  assert.deepEqual(contextFromForm({ features: ['mfa'], roles: 'admin', tenants: 't1', firebase: '' }), {});
  assert.deepEqual(contextFromForm({ knowFeatures: true, features: [], knowRoles: true, roles: ' ', knowTenants: true, tenants: '', firebase: 'no' }),
    { features: [], roles: [], tenants: [], firebaseSignerKeySet: false });
  assert.deepEqual(contextFromForm({ knowFeatures: true, features: ['mfa'], knowRoles: true, roles: 'admin, editor,,admin\nviewer', firebase: 'yes' }),
    { features: ['mfa'], roles: ['admin', 'editor', 'viewer'], firebaseSignerKeySet: true });
  assert.deepEqual(parseList(undefined), []);
  assert.equal(verdictSummary({ status: 400, users: [{ errors: ['x'], coreWouldCrash: false }, { errors: [], coreWouldCrash: false }], crashedAt: null }),
    'The core would reject the request: 1 user of 2 has errors, and nothing is imported.');
  assert.equal(verdictSummary({ status: 500, users: [], crashedAt: 3 }), 'The core would fail with HTTP 500 at user 3: nothing is imported.');
  assert.match(describeSkippedCheck('role-exists'), /^role-exists: every role must exist/);
  assert.equal(describeSkippedCheck('something-new'), 'something-new');
});

test('batches.zip: files added one by one unzip to the same bytes', async () => {
  const { BatchZip } = await import('../../www/batch-zip.js');
  const { unzipSync } = await import('fflate');
  const zip = new BatchZip();
  const a = new TextEncoder().encode('{"users":[\n{"a":1}\n]}\n');
  const b = new Uint8Array(300_000).map((_, i) => 32 + (i % 90));
  zip.add('batch-0001.json', a);
  zip.add('batch-0002.json', b);
  const blob = zip.finish();
  assert.equal(blob.type, 'application/zip');
  const files = unzipSync(new Uint8Array(await blob.arrayBuffer()));
  assert.deepEqual(Object.keys(files), ['batch-0001.json', 'batch-0002.json']);
  assert.deepEqual(files['batch-0001.json'], a);
  assert.deepEqual(files['batch-0002.json'], b);
});
