// The Node API converts @clerk/backend User objects (camelCase, with _raw) exactly as it converts
// the Backend API JSON they came from. User.fromJSON is internal to @clerk/backend (not exported),
// so genuine SDK objects come from the SDK's own client, pointed at a local fake Backend API.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createClerkClient } from '@clerk/backend';
import { convertClerkUsers } from '../../host/index.js';
import { bapiUser, startFakeClerk } from './lazy-helpers.js';

const raw = [
  bapiUser('user_sdk_1', 'ada@example.com', {
    phone_numbers: [{ id: 'idn_p1', object: 'phone_number', phone_number: '+15555550100', reserved: false,
      verification: { status: 'verified', strategy: 'phone_code' }, linked_to: [] }],
    external_accounts: [{ object: 'external_account', id: 'eac_1', provider: 'oauth_google', identification_id: 'idn_g',
      provider_user_id: '1078957510', approved_scopes: 'email', email_address: 'ada@example.com', first_name: 'Ada',
      last_name: 'L', public_metadata: {}, created_at: 1, updated_at: 1, verification: { status: 'verified', strategy: 'oauth_google' } }],
  }),
  bapiUser('user_sdk_2', 'bob@example.com', { external_id: 'crm-7' }),
];
const clerkApi = await startFakeClerk(raw.map((user) => ({ user })));
after(() => clerkApi.close());

test('SDK User objects convert to the same batches as their Backend API JSON', async () => {
  const clerk = createClerkClient({ secretKey: 'sk_test_x', apiUrl: clerkApi.url });
  const { data } = await clerk.users.getUserList({ limit: 10 });
  assert.equal(data.length, 2);
  assert.equal(data[0].constructor.name.replace(/^_/, ''), 'User', 'genuine SDK objects');
  assert.equal(typeof data[0].emailAddresses[0].emailAddress, 'string', 'camelCase');
  const options = { features: ['account_linking'], externalId: 'external-id', nowMs: 1.8e12 };
  const fromSdk = convertClerkUsers(data, options);
  const fromRaw = convertClerkUsers(raw, options);
  assert.deepEqual(fromSdk, fromRaw);
  assert.deepEqual(fromSdk.summary, { records: 2, converted: 2, deferred: 0, rejected: 0, batches: 1 });
  const users = JSON.parse(fromSdk.files['batch-0001.json']).users;
  assert.deepEqual(users.map((u) => u.externalUserId), ['user_sdk_1', 'crm-7']);
  assert.deepEqual(users[0].loginMethods.map((m) => m.recipeId), ['passwordless', 'passwordless', 'thirdparty']);
  // Without _raw (an SDK object serialised by hand), the camelCase fields are read.
  const stripped = JSON.parse(JSON.stringify(data)).map(({ _raw, ...rest }) => rest);
  assert.deepEqual(JSON.parse(convertClerkUsers(stripped, options).files['batch-0001.json']).users, users);
});
