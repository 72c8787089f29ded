#!/usr/bin/env node
// The baseline: the plain Node script a team would write for this migration, the way peer
// importers do it. csv-parse reads the Dashboard CSV, each row maps naively (id ->
// externalUserId, primary email + bcrypt digest -> emailpassword, else passwordless), and
// batches of 10,000 users are written as {"users":[...]}. No validation, no preflight, no
// formula-TAB handling, no report: that is what "naive" means here.
//
//   node bench/baseline/naive.js users.csv OUT_DIR
//
// Prints {"users": n, "batches": b} so bench/run.js can check it did the work.
import { createReadStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse';

const BATCH = 10000;
const [input, out] = process.argv.slice(2);
if (!input || !out) {
  process.stderr.write('usage: node bench/baseline/naive.js users.csv OUT_DIR\n');
  process.exit(2);
}
mkdirSync(out, { recursive: true });

let users = 0;
let batches = 0;
let batch = [];
const flush = () => {
  if (!batch.length) return;
  batches += 1;
  writeFileSync(join(out, `batch-${String(batches).padStart(4, '0')}.json`), JSON.stringify({ users: batch }));
  batch = [];
};

const parser = createReadStream(input).pipe(parse({ columns: true, relax_column_count: true }));
for await (const row of parser) {
  const joined = row.created_at ? Date.parse(row.created_at) : undefined;
  const method = { isVerified: true, timeJoinedInMSSinceEpoch: joined };
  if (row.password_digest && row.password_hasher === 'bcrypt' && row.primary_email_address) {
    Object.assign(method, { recipeId: 'emailpassword', email: row.primary_email_address, passwordHash: row.password_digest, hashingAlgorithm: 'bcrypt' });
  } else if (row.primary_email_address) {
    Object.assign(method, { recipeId: 'passwordless', email: row.primary_email_address });
  } else {
    Object.assign(method, { recipeId: 'passwordless', phoneNumber: row.primary_phone_number.trim() });
  }
  batch.push({
    externalUserId: row.id,
    userMetadata: { first_name: row.first_name, last_name: row.last_name },
    loginMethods: [method],
  });
  users += 1;
  if (batch.length === BATCH) flush();
}
flush();
process.stdout.write(JSON.stringify({ users, batches }) + '\n');
