// Compiled with `tsc --noEmit` by npm test: the package's declarations must type real usage
// without `any`. A wrong field name or type here fails the build.
import { convertFile, convertBytes, Converter, type ConvertOptions, type OutputFile, type Summary } from '../../host/index.js';

const options: ConvertOptions = { batchSize: 500, features: ['mfa', 'account_linking'], unsupportedHash: 'defer' };
const result = await convertFile('export.csv', { ...options, out: 'out', onProgress: (p) => p.totalBytes + p.records });
const converted: number = result.summary.converted;
const secret: boolean = result.files[0].secret;

const { summary, files } = convertBytes('id\n', { batchSize: 10 });
const s: Summary = summary;
const text: string | undefined = files['report.json'];

const c = new Converter(options);
const pieces: OutputFile[] = c.push(new Uint8Array([1, 2]));
const names: string[] = pieces.map((p) => p.name);
const records: number = c.progress().records;
const bytes: Uint8Array[] = c.pushBytes(new Uint8Array([1, 2])).map((p) => p.bytes);
void [converted, secret, s, text, names, records, bytes, c.finish()];

// The identity log kept by the host (host/identity-log.js does this for convertFile).
const big = new Converter(options);
big.keepIdentityLogOutside();
const log: Uint8Array = big.takeIdentityLog();
big.finishBytes();
if (big.replayNeeded()) {
  big.replayIdentityLog(log);
  const rest: Uint8Array[] = big.endReplayBytes().map((p) => p.bytes);
  const restText: OutputFile[] = big.endReplay();
  void [rest, restText];
}

import { submit, status, importUser, fetchCoreContext, validateBulkImport, type RequestVerdict } from '../../host/index.js';
const r = await submit('out', { core: 'http://127.0.0.1:3567', dryRun: true });
const q = await status({ core: 'http://127.0.0.1:3567' });
const ctx = await fetchCoreContext({ core: 'http://127.0.0.1:3567' });
const verdict: RequestVerdict = validateBulkImport({ users: [] }, { features: ctx.features, roles: ctx.roles });
const code: 200 | 400 | 500 = verdict.status;
void [r, q, code, importUser];

// Lazy migration (host/lazy.d.ts)
import { createLazyMigrator, createLegacyStore, lazyImportBody, createSessionFallback, type SignInOutcome, type LazyEvent } from '../../host/index.js';
async function lazyUsage(): Promise<void> {
  const store = await createLegacyStore('users.csv', { withApi: ['users.json'], features: ['mfa'] });
  const migrator = createLazyMigrator({ core: 'http://localhost:3567', store, options: { features: ['mfa'] }, onEvent: (e: LazyEvent) => void e.durationMs });
  migrator.on('outcome', (e) => void e.status);
  const r: SignInOutcome = await migrator.signIn('a@x.dev', 'pw');
  if (r.status === 'migrated') void r.user.loginMethods[0].recipeUserId;
  if (r.status === 'failed') void r.reason.length;
  const body = lazyImportBody({ id: 'user_1', email_addresses: [] }, 'pw', { features: ['mfa'] });
  void body.user;
  const who = await createSessionFallback({ jwtKey: '-----BEGIN PUBLIC KEY-----', authorizedParties: ['https://a.x'] })({ headers: {} });
  if (who) void (who.source === 'clerk' ? who.userId : who.userId);
}
void lazyUsage;
