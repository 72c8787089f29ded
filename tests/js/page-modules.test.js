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
