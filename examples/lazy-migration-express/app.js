// An Express backend on SuperTokens (supertokens-node 24, EmailPassword + Session) that migrates Clerk users
// lazily: a user who is not in SuperTokens yet but signs in with the right Clerk password is imported on
// the spot (POST /bulk-import/import, Clerk id kept as externalUserId) and signed in.
//
// In your own app, import from 'clerk-to-supertokens' instead of '../../host/index.js'.

import express from 'express';
import supertokens from 'supertokens-node';
import Session from 'supertokens-node/recipe/session/index.js';
import EmailPassword from 'supertokens-node/recipe/emailpassword/index.js';
import { middleware, errorHandler } from 'supertokens-node/framework/express/index.js';

/** The value of a form field of a sign-in / sign-up request. */
function field(/** @type {{id: string, value: unknown}[]} */ formFields, /** @type {string} */ id) {
  const value = formFields.find((f) => f.id === id)?.value;
  return typeof value === 'string' ? value : undefined;
}

/**
 * The EmailPassword API overrides of the lazy migration (spec §10, bulk-API variant).
 * @param {import('../../host/lazy.js').LazyMigrator} migrator
 * @param {{log?: (line: string) => void}} [opts]
 */
export function lazyMigrationOverride(migrator, opts = {}) {
  const log = opts.log ?? (() => {});
  return (/** @type {any} */ original) => ({
    ...original,
    signInPOST: async (/** @type {any} */ input) => {
      // 1. SuperTokens first: a migrated (or new) user signs in as usual.
      const first = await original.signInPOST(input);
      if (first.status !== 'WRONG_CREDENTIALS_ERROR') return first;
      const email = field(input.formFields, 'email');
      const password = field(input.formFields, 'password');
      if (email === undefined || password === undefined) return first;
      // 2. Not in SuperTokens (or a wrong password): is it a legacy user with the right Clerk password?
      const outcome = await migrator.signIn(email, password);
      if (outcome.status === 'migrated') {
        // 3. Now the user exists: sign in through SuperTokens. The SDK caches the core's GET answers for the
        // request (userContext._default.coreCallCache); the import happened outside it, so drop that cache.
        if (input.userContext?._default) input.userContext._default = { ...input.userContext._default, coreCallCache: {} };
        return original.signInPOST(input);
      }
      if (outcome.status === 'failed') {
        log(`lazy migration failed: ${outcome.reason}`);
        return { status: 'GENERAL_ERROR', message: 'Sign-in is temporarily unavailable. Please try again.' };
      }
      // not-legacy (incl. already-migrated: SuperTokens' own answer stands) or wrong-password
      return first;
    },
    signUpPOST: async (/** @type {any} */ input) => {
      // A legacy user who has not signed in yet must sign in (and be migrated), not sign up again.
      const email = field(input.formFields, 'email');
      if (email !== undefined) {
        const found = await migrator.lookup(email);
        if (found.status === 'legacy') return { status: 'EMAIL_ALREADY_EXISTS_ERROR' };
      }
      return original.signUpPOST(input);
    },
  });
}

/**
 * Initialises SuperTokens (once per process: supertokens-node is a singleton) and builds the Express app.
 * @param {{
 *   connectionURI: string, apiKey?: string, migrator: import('../../host/lazy.js').LazyMigrator,
 *   apiDomain?: string, websiteDomain?: string, log?: (line: string) => void,
 * }} config
 */
export function createApp(config) {
  supertokens.init({
    framework: 'express',
    supertokens: { connectionURI: config.connectionURI, ...(config.apiKey ? { apiKey: config.apiKey } : {}) },
    appInfo: {
      appName: 'lazy-migration-example',
      apiDomain: config.apiDomain ?? 'http://localhost:3001',
      websiteDomain: config.websiteDomain ?? 'http://localhost:3000',
      apiBasePath: '/auth',
    },
    recipeList: [
      EmailPassword.init({ override: { apis: lazyMigrationOverride(config.migrator, { log: config.log }) } }),
      Session.init(),
    ],
  });
  const app = express();
  app.use(middleware());
  app.get('/health', (_req, res) => { res.json({ ok: true }); });
  app.use(errorHandler());
  return app;
}
