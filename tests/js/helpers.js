// Shared helpers for the node --test suites.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const samples = join(root, '..', 'shared', 'samples', 'clerk');
export const sample = (name) => join(samples, name);
export const tempDir = (prefix = 'c2s-') => mkdtempSync(join(tmpdir(), prefix));

/** Runs the CLI as a user would; returns {status, stdout, stderr}. */
export function cli(args, opts = {}) {
  const r = spawnSync(process.execPath, [join(root, 'host', 'cli.js'), ...args], { encoding: 'utf8', ...opts });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every user of every batch file in `dir`, in order. */
export function batchUsers(dir) {
  return readdirSync(dir)
    .filter((n) => /^batch-\d+\.json$/.test(n))
    .sort()
    .flatMap((n) => JSON.parse(readFileSync(join(dir, n), 'utf8')).users);
}

export const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
