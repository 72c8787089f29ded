// Runs the example: see README.md in this directory.
//   SUPERTOKENS_CORE=http://localhost:3567 [SUPERTOKENS_API_KEY=…] \
//   [CLERK_SECRET_KEY=sk_…] [CLERK_EXPORT_CSV=users.csv] node examples/lazy-migration-express/server.js
import { createClerkClient } from '@clerk/backend';
import { createLazyMigrator, createLegacyStore } from '../../host/index.js';
import { createApp } from './app.js';

const env = process.env;
if (!env.SUPERTOKENS_CORE || (!env.CLERK_SECRET_KEY && !env.CLERK_EXPORT_CSV)) {
  console.error('set SUPERTOKENS_CORE and CLERK_SECRET_KEY and/or CLERK_EXPORT_CSV');
  process.exit(2);
}
const store = env.CLERK_EXPORT_CSV ? await createLegacyStore(env.CLERK_EXPORT_CSV) : undefined;
const clerk = env.CLERK_SECRET_KEY ? createClerkClient({ secretKey: env.CLERK_SECRET_KEY }) : undefined;
const migrator = createLazyMigrator({
  core: env.SUPERTOKENS_CORE,
  apiKey: env.SUPERTOKENS_API_KEY,
  store,
  clerk,
  options: { features: env.FEATURES ? env.FEATURES.split(',') : [] },
});
// One line per outcome: status, source, duration, Clerk id. Never the email or the password.
migrator.on('outcome', (e) => console.log(JSON.stringify(e)));
const app = createApp({ connectionURI: env.SUPERTOKENS_CORE, apiKey: env.SUPERTOKENS_API_KEY, migrator, log: console.error });
const port = Number(env.PORT ?? 3001);
app.listen(port, () => console.log(`listening on http://localhost:${port} (POST /auth/signin, /auth/signup)`));
