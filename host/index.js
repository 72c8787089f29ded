// clerk-to-supertokens, the Node API. See index.d.ts for the types.
import core from './wasm.js';

export { convertFile, convertBytes, convertClerkUsers } from './convert.js';
export const Converter = core.Converter;
export { validateBulkImport, responseBody } from './validate.js';
export * from './api-submit.js';
export { verifyPassword } from './verify.js';
export { createLazyMigrator, LazyMigrator, createLegacyStore, LocalLegacyStore, lazyImportBody, createSessionFallback } from './lazy.js';
