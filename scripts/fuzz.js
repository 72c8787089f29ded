#!/usr/bin/env node
// `npm run fuzz -- [--seconds N] [--targets a,b] [--max-len N] [--stable]`: runs every fuzz
// target of fuzz/ for N seconds each (default 30) and prints executions and coverage.
//
// With the nightly toolchain it uses cargo-fuzz (libFuzzer), installing cargo-fuzz 0.13.2 when
// it is missing; without nightly, or when the install fails, or with --stable, it runs the
// stable fallback (fuzz/src/bin/fuzz_stable.rs) on the same target bodies. Exit status 1 when a
// target crashed (the input is in fuzz/artifacts/<target>/).
//
// The corpus (fuzz/corpus/, gitignored) is rebuilt from fuzz/seeds/ and ../shared/samples/clerk/
// on every run, the samples being copied, never committed: some come from public repositories.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fuzzDir = join(root, 'fuzz');
const samplesDir = join(root, '..', 'shared', 'samples', 'clerk');
const TARGETS = ['csv_reader', 'converter', 'validator', 'json_reader', 'push_api', 'hashes'];

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '30' },
    targets: { type: 'string' },
    'max-len': { type: 'string', default: '32768' },
    stable: { type: 'boolean', default: false },
  },
});
const seconds = Number(values.seconds);
const maxLen = Number(values['max-len']);
if (!Number.isInteger(seconds) || seconds < 1) fail('--seconds expects a whole number of seconds, at least 1');
if (!Number.isInteger(maxLen) || maxLen < 64) fail('--max-len expects a whole number of bytes, at least 64');
const targets = values.targets ? values.targets.split(',') : TARGETS;
for (const t of targets) if (!TARGETS.includes(t)) fail(`unknown target '${t}'; targets: ${TARGETS.join(', ')}`);

function fail(message) {
  process.stderr.write(`fuzz: ${message}\n`);
  process.exit(2);
}
const say = (message) => process.stderr.write(`fuzz: ${message}\n`);

// --- corpus -----------------------------------------------------------------------------------

/** Readable seed documents: our own (committed) and the shared samples (copied at fuzz time). */
function documents() {
  const docs = [];
  for (const [dir, tag] of [[join(fuzzDir, 'seeds', 'csv'), 'seed'], [join(fuzzDir, 'seeds', 'json'), 'seed'], [samplesDir, 'sample']]) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      if (!/\.(csv|json|ndjson)$/.test(name)) continue;
      docs.push({ name: `${tag}-${name}`, bytes: readFileSync(join(dir, name)), csv: name.endsWith('.csv') });
    }
  }
  return docs;
}

// Control prefixes (fuzz/src/lib.rs `control`): [options bits, batch size | mode << 3, chunk seed].
const CONTROLS = [
  [0x00, 0x01, 0x00, 0x00], // defaults, batch of 2, raw
  [0x0b, 0x05, 0x31, 0x07], // linking + mfa, reset policy, batch of 6
  [0xf7, 0x82, 0xaa, 0x55], // all features, reject policy, banned imported, external-id, legacy verified, tenant-a, batch of 3
];
const withMode = (control, mode) => Buffer.from([control[0], (control[1] & 0x87) | (mode << 3), control[2], control[3]]);
const withoutFirstLine = (bytes) => bytes.subarray(bytes.indexOf(0x0a) + 1);

/** Writes fuzz/corpus/<target>/ with every seed in that target's input format. */
function prepareCorpus(target) {
  const dir = join(fuzzDir, 'corpus', target);
  mkdirSync(dir, { recursive: true });
  let n = 0;
  const put = (name, ...parts) => {
    writeFileSync(join(dir, name.replace(/[^A-Za-z0-9._-]/g, '_')), Buffer.concat(parts));
    n += 1;
  };
  if (target === 'hashes') {
    // [hasher index][digest NUL password], from the committed known-answer vectors.
    const { vectors } = JSON.parse(readFileSync(join(fuzzDir, '..', 'tests', 'vectors', 'hashes.json'), 'utf8'));
    const names = ['argon2i', 'argon2id', 'awscognito', 'bcrypt', 'bcrypt_peppered', 'bcrypt_sha256_django', 'hmac_sha256_utf16_b64',
      'ldap_ssha', 'md5', 'md5_phpass', 'md5_salted', 'pbkdf2_sha1', 'pbkdf2_sha256', 'pbkdf2_sha256_django', 'pbkdf2_sha512',
      'pbkdf2_sha512_hex', 'phpass', 'scrypt_firebase', 'scrypt_werkzeug', 'sha256', 'sha256_salted', 'sha512_symfony'];
    vectors.forEach((v, i) => put(`vector-${i}`, Buffer.from([Math.max(0, names.indexOf(v.hasher))]), Buffer.from(`${v.digest}\0${v.password}`)));
    return { dir, seeds: n };
  }
  const docs = [...documents()];
  for (const doc of docs) {
    CONTROLS.forEach((c, i) => {
      if (target === 'push_api') {
        // A Backend API JSON file, 0xFF, then a CSV main input.
        if (doc.csv || i > 0) return;
        for (const main of docs.filter((d) => d.csv).slice(0, 3)) put(`${doc.name}+${main.name}`, withMode(c, 0), doc.bytes, Buffer.from([0xff]), main.bytes);
      } else if (target === 'validator') {
        if (i === 0 && !doc.csv) put(doc.name, doc.bytes);
      } else if (target === 'csv_reader') {
        if (!doc.csv) return;
        put(`${doc.name}.raw${i}`, withMode(c, 0), doc.bytes);
        put(`${doc.name}.dash${i}`, withMode(c, 1), withoutFirstLine(doc.bytes));
      } else if (target === 'json_reader') {
        if (doc.csv) return;
        put(`${doc.name}.mode${i}`, withMode(c, i), doc.bytes);
      } else {
        put(`${doc.name}.${i}`, withMode(c, 0), doc.bytes);
      }
    });
  }
  return { dir, seeds: n };
}

// --- engines ----------------------------------------------------------------------------------

const run = (cmd, args, opts = {}) => spawnSync(cmd, args, { cwd: root, encoding: 'utf8', ...opts });
const hasNightly = () => /^nightly/m.test(run('rustup', ['toolchain', 'list']).stdout ?? '');
const hasCargoFuzz = () => run('cargo', ['+nightly', 'fuzz', '--version']).status === 0;

function chooseEngine() {
  if (values.stable) return 'stable';
  if (!hasNightly()) {
    say('no nightly toolchain: using the stable fallback (no coverage guidance)');
    return 'stable';
  }
  if (!hasCargoFuzz()) {
    say('installing cargo-fuzz 0.13.2 (no --locked: the registry snapshot lacks some locked versions)');
    const r = run('cargo', ['install', 'cargo-fuzz', '--version', '=0.13.2'], { stdio: 'inherit' });
    if (r.status !== 0 || !hasCargoFuzz()) {
      say('cargo-fuzz could not be installed: using the stable fallback');
      return 'stable';
    }
  }
  return 'libfuzzer';
}

// Release with debug assertions (overflow checks on). No sanitizer: the crate is safe Rust
// (#![deny(unsafe_code)]), so AddressSanitizer would halve the executions for nothing.
const CARGO_FUZZ_FLAGS = ['-O', '-a', '-s', 'none'];

function build(engine) {
  say(`building the ${engine} targets`);
  const r = engine === 'libfuzzer'
    ? run('cargo', ['+nightly', 'fuzz', 'build', ...CARGO_FUZZ_FLAGS], { stdio: 'inherit' })
    : run('cargo', ['build', '--release', '--manifest-path', 'fuzz/Cargo.toml', '--no-default-features', '--features', 'stable-fallback', '--bin', 'fuzz_stable'], { stdio: 'inherit' });
  if (r.status !== 0) {
    say('build failed');
    process.exit(1);
  }
}

/** Runs a command, keeping its combined output; resolves with {status, output}. */
function capture(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk) => {
      output += chunk;
      if (output.length > 4_000_000) output = output.slice(-2_000_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('close', (status) => resolve({ status, output }));
  });
}

async function fuzz(engine, target, corpus) {
  if (engine === 'libfuzzer') {
    const { status, output } = await capture('cargo', [
      '+nightly', 'fuzz', 'run', ...CARGO_FUZZ_FLAGS, target, corpus.dir, '--',
      `-max_total_time=${seconds}`, `-max_len=${maxLen}`, '-timeout=20', '-rss_limit_mb=2048', '-print_final_stats=1',
    ]);
    const progress = [...output.matchAll(/^#(\d+)\s+\w+\s+cov: (\d+) ft: (\d+)/gm)].at(-1);
    const execs = output.match(/stat::number_of_executed_units: (\d+)/)?.[1] ?? progress?.[1] ?? '?';
    const artifact = output.match(/Test unit written to (\S+)/)?.[1];
    return { status, output, execs, cov: progress?.[2] ?? '?', ft: progress?.[3] ?? '?', artifact };
  }
  const bin = join(fuzzDir, 'target', 'release', 'fuzz_stable');
  const { status, output } = await capture(bin, ['--target', target, '--seconds', String(seconds), '--max-len', String(maxLen), corpus.dir]);
  const artifact = output.match(/input written to (\S+)/)?.[1];
  return { status, output, execs: output.match(/execs: (\d+)/)?.[1] ?? '?', cov: 'n/a', ft: 'n/a', artifact };
}

const engine = chooseEngine();
build(engine);
let crashed = 0;
for (const target of targets) {
  const corpus = prepareCorpus(target);
  say(`${target}: ${seconds} s from ${corpus.seeds} seeds (${engine})`);
  const r = await fuzz(engine, target, corpus);
  const crash = r.status !== 0;
  crashed += crash ? 1 : 0;
  process.stdout.write(`${target}: engine ${engine}, ${seconds} s, execs ${r.execs}, cov: ${r.cov}, ft: ${r.ft}, crashes ${crash ? 1 : 0}\n`);
  if (crash) {
    process.stdout.write(r.output.split('\n').slice(-60).join('\n') + '\n');
    process.stdout.write(`${target}: CRASH${r.artifact ? `, input in ${r.artifact}` : ''}\n`);
  }
}
process.exit(crashed ? 1 : 0);
