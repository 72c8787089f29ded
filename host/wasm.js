// Loads the WebAssembly core synchronously from disk, once, for every Node entry point.
import { readFileSync } from 'node:fs';
import * as core from '../pkg/clerk_to_supertokens.js';

core.initSync({ module: readFileSync(new URL('../pkg/clerk_to_supertokens_bg.wasm', import.meta.url)) });

export default core;
