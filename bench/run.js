#!/usr/bin/env node
// `npm run bench`: the performance targets of DESIGN.md, measured.
//
//   node bench/run.js [--users 100000,1000000] [--runs 5] [--seed 1] [--lazy-calls 100000]
//   node bench/run.js --quick          # small N, to check the harness itself
//
// Contenders, each run in its own child process under GNU time (peak RSS per contender), in an
// order that rotates run by run so machine drift does not favour one of them:
//   (a) wasm    node host/cli.js convert users.csv --out DIR --quiet   (the real CLI)
//   (b) native  the same crate built natively (bench/native, c2s-native), same output files
//   (c) naive   bench/baseline/naive.js: csv-parse + naive mapping, what a team would write
//   (d) floor   csv-core tokenising the file and nothing else (bench/native, csv-floor)
// Every run's result is checked (counts reconcile with the generator's manifest); a contender
// that did not do the work fails the benchmark. Results: stdout (markdown), and
// bench/results/latest.md + latest.json. No assertion here is about time.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, openSync, readSync, closeSync } from 'node:fs';
import { cpus, totalmem, loadavg, release } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { generate } from './generate.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const results = join(root, 'bench', 'results');
const nativeBin = (name) => join(root, 'bench', 'native', 'target', 'release', name);
const TIME = '/usr/bin/time';
const BATCH = 10000;

const { values: args } = parseArgs({
  options: {
    users: { type: 'string' },
    runs: { type: 'string' },
    seed: { type: 'string', default: '1' },
    'lazy-calls': { type: 'string' },
    only: { type: 'string', default: 'wasm,native,naive,floor' },
    quick: { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
  },
});
const sizes = (args.users ?? (args.quick ? '2000,20000' : '100000,1000000')).split(',').map(Number);
const runs = Number(args.runs ?? 5);
const lazyCalls = Number(args['lazy-calls'] ?? (args.quick ? 20000 : 100000));
const only = new Set(args.only.split(','));

function sh(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed (${r.status ?? r.signal}):\n${r.stderr}`);
  return r.stdout.trim();
}

function prerequisites() {
  if (!existsSync(TIME)) throw new Error(`${TIME} not found: install GNU time (apt-get install time); it measures each contender's peak RSS`);
  if (!args['no-build']) {
    process.stderr.write('bench: building bench/native (release)...\n');
    sh('cargo', ['build', '--release', '--quiet', '--manifest-path', join(root, 'bench', 'native', 'Cargo.toml')], { stdio: ['ignore', 'pipe', 'inherit'] });
  }
  for (const f of [join(root, 'pkg', 'clerk_to_supertokens_bg.wasm'), nativeBin('c2s-native'), nativeBin('csv-floor')]) {
    if (!existsSync(f)) throw new Error(`${f} is missing: run \`bash scripts/build.sh\` first`);
  }
}

/** The generated input for `users`, reused when the manifest matches (generation is deterministic). */
function dataset(users) {
  const dir = join(results, 'data', `users-${users}-seed-${args.seed}`);
  const manifestPath = join(dir, 'manifest.json');
  const generator = readFileSync(join(root, 'bench', 'generate.js'), 'utf8');
  const stamp = `${generator.length}:${generator.split('').reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7)}`;
  if (existsSync(manifestPath)) {
    const m = JSON.parse(readFileSync(manifestPath, 'utf8'));
    if (m.generator === stamp && existsSync(join(dir, 'users.csv'))) return { dir, csv: join(dir, 'users.csv'), manifest: m };
  }
  process.stderr.write(`bench: generating ${users} users (seed ${args.seed})...\n`);
  rmSync(dir, { recursive: true, force: true });
  const manifest = generate({ users, seed: args.seed, out: dir, formats: ['csv'] });
  manifest.generator = stamp;
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
  return { dir, csv: join(dir, 'users.csv'), manifest };
}

/** Reads the file once so every contender starts from a warm page cache. */
function warm(path) {
  const fd = openSync(path, 'r');
  const buf = Buffer.allocUnsafe(1 << 20);
  while (readSync(fd, buf, 0, buf.length, null) > 0);
  closeSync(fd);
}

const fail = (name, why) => {
  throw new Error(`bench: contender ${name} did not do the work: ${why}`);
};

/** Checks a converter summary against what the generator promised (spec: records = c + d + r). */
function checkSummary(name, s, m) {
  const e = m.expect;
  if (s.records !== e.records) fail(name, `records ${s.records}, expected ${e.records}`);
  if (s.converted + s.deferred + s.rejected !== s.records) fail(name, `counts do not reconcile: ${JSON.stringify(s)}`);
  if (s.rejected !== e.rejected) fail(name, `rejected ${s.rejected}, expected ${e.rejected}`);
  if (s.deferred < e.deferredMin || s.deferred > e.deferredMax) fail(name, `deferred ${s.deferred}, expected ${e.deferredMin}..${e.deferredMax}`);
  if (s.batches !== Math.ceil(s.converted / BATCH)) fail(name, `${s.batches} batches for ${s.converted} converted users`);
}

const batchFiles = (dir) => readdirSync(dir).filter((n) => /^batch-\d+\.json$/.test(n)).length;

const CONTENDERS = {
  wasm: {
    label: '(a) wasm CLI',
    command: (d, out) => [process.execPath, join(root, 'host', 'cli.js'), 'convert', d.csv, '--out', out, '--quiet'],
    check: (d, out) => {
      const s = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).summary;
      checkSummary('wasm', s, d.manifest);
      if (batchFiles(out) !== s.batches) fail('wasm', `report says ${s.batches} batches, ${batchFiles(out)} written`);
      return s;
    },
  },
  native: {
    label: '(b) native',
    command: (d, out) => [nativeBin('c2s-native'), d.csv, out],
    check: (d, out, stdout) => {
      const s = JSON.parse(stdout);
      checkSummary('native', s, d.manifest);
      if (batchFiles(out) !== s.batches) fail('native', `${s.batches} batches reported, ${batchFiles(out)} written`);
      return s;
    },
  },
  naive: {
    label: '(c) naive csv-parse',
    command: (d, out) => [process.execPath, join(root, 'bench', 'baseline', 'naive.js'), d.csv, out],
    check: (d, out, stdout) => {
      const s = JSON.parse(stdout);
      if (s.users !== d.manifest.users) fail('naive', `wrote ${s.users} users, expected ${d.manifest.users}`);
      if (batchFiles(out) !== Math.ceil(s.users / BATCH)) fail('naive', `${batchFiles(out)} batch files for ${s.users} users`);
      return s;
    },
  },
  floor: {
    label: '(d) csv-core floor',
    command: (d) => [nativeBin('csv-floor'), d.csv],
    check: (d, _out, stdout) => {
      const s = JSON.parse(stdout);
      if (s.users !== d.manifest.users) fail('floor', `read ${s.users} records, expected ${d.manifest.users}`);
      if (s.fields !== 14 * (d.manifest.users + 1)) fail('floor', `${s.fields} fields, expected ${14 * (d.manifest.users + 1)}`);
      return s;
    },
  },
};

/** One timed run of one contender, in its own process; returns {ms, cpuMs, rssKiB}. */
function runOnce(name, d) {
  const out = join(results, 'tmp', name);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const timeFile = join(results, 'tmp', `${name}.time`);
  const [cmd, ...argv] = CONTENDERS[name].command(d, out);
  const t0 = performance.now();
  const r = spawnSync(TIME, ['-f', '%M %U %S', '-o', timeFile, cmd, ...argv], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const ms = performance.now() - t0;
  if (r.status !== 0) fail(name, `exit ${r.status ?? r.signal}: ${r.stderr}`);
  CONTENDERS[name].check(d, out, r.stdout);
  const [rssKiB, user, sys] = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  return { ms, cpuMs: (user + sys) * 1000, rssKiB };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};

/** The native and wasm builds must write the same bytes: checked once per size, untimed. */
function sameOutputs(d) {
  const a = join(results, 'tmp', 'wasm');
  const b = join(results, 'tmp', 'native');
  // The report too: it holds no clock reading, and the generated sign-up times are all past.
  const names = readdirSync(a).sort();
  if (names.join() !== readdirSync(b).sort().join()) throw new Error(`bench: wasm and native wrote different files (${d.manifest.users} users)`);
  for (const n of names) {
    if (!readFileSync(join(a, n)).equals(readFileSync(join(b, n)))) throw new Error(`bench: wasm and native outputs differ in ${n} (${d.manifest.users} users)`);
  }
}

function machine() {
  const cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m)?.[1] ?? cpus()[0]?.model;
  const os = (readFileSync('/etc/os-release', 'utf8').match(/^PRETTY_NAME="?(.*?)"?$/m) ?? [])[1] ?? 'Linux';
  let rustc = '';
  try {
    rustc = sh('rustc', ['--version']);
  } catch {
    rustc = 'unknown';
  }
  return { cpu, cores: cpus().length, memGiB: +(totalmem() / 2 ** 30).toFixed(1), os: `${os} (kernel ${release()})`, node: process.version, rustc };
}

function main() {
  prerequisites();
  mkdirSync(join(results, 'tmp'), { recursive: true });
  const names = Object.keys(CONTENDERS).filter((n) => only.has(n));
  const report = { date: new Date().toISOString(), machine: machine(), loadavgStart: loadavg(), runs, seed: args.seed, sizes: [], lazy: null, wasm: null };
  for (const users of sizes) {
    const d = dataset(users);
    const bytes = d.manifest.files['users.csv'];
    warm(d.csv);
    const samples = Object.fromEntries(names.map((n) => [n, []]));
    for (let run = 0; run < runs; run++) {
      const order = names.map((_, i) => names[(i + run) % names.length]);
      for (const name of order) {
        const s = runOnce(name, d);
        samples[name].push(s);
        process.stderr.write(`bench: ${users} users, run ${run + 1}/${runs}, ${name}: ${(s.ms / 1000).toFixed(3)} s wall, ${(s.cpuMs / 1000).toFixed(2)} s CPU, ${(s.rssKiB / 1024).toFixed(1)} MiB\n`);
        if (name === 'native' && names.includes('wasm') && samples.wasm.length) sameOutputs(d);
      }
    }
    const row = { users, bytes, contenders: {} };
    for (const n of names) {
      const ms = median(samples[n].map((s) => s.ms));
      row.contenders[n] = {
        medianMs: ms,
        minMs: Math.min(...samples[n].map((s) => s.ms)),
        maxMs: Math.max(...samples[n].map((s) => s.ms)),
        // user + sys CPU time: less sensitive than wall time to other work on the machine.
        medianCpuMs: median(samples[n].map((s) => s.cpuMs)),
        mbPerS: bytes / 1e6 / (ms / 1000),
        usersPerS: users / (ms / 1000),
        peakRssMiB: median(samples[n].map((s) => s.rssKiB)) / 1024,
        runsMs: samples[n].map((s) => Math.round(s.ms)),
        runsCpuMs: samples[n].map((s) => Math.round(s.cpuMs)),
        runsRssMiB: samples[n].map((s) => +(s.rssKiB / 1024).toFixed(1)),
      };
    }
    report.sizes.push(row);
  }
  const wasmPath = join(root, 'pkg', 'clerk_to_supertokens_bg.wasm');
  const wasmBytes = readFileSync(wasmPath);
  report.wasm = { rawBytes: wasmBytes.length, gzipBytes: gzipSync(wasmBytes, { level: 9 }).length };
  if (lazyCalls > 0) {
    process.stderr.write(`bench: lazy path, ${lazyCalls} calls...\n`);
    report.lazy = JSON.parse(sh(process.execPath, [join(root, 'bench', 'lazy.js'), '--calls', String(lazyCalls), '--json']));
  }
  report.loadavgEnd = loadavg();
  // The converted outputs of the last runs (over a gigabyte at 1,000,000 users); the generated
  // inputs in bench/results/data stay for the next run.
  rmSync(join(results, 'tmp'), { recursive: true, force: true });
  const md = markdown(report);
  writeFileSync(join(results, 'latest.md'), md);
  writeFileSync(join(results, 'latest.json'), JSON.stringify(report, null, 2) + '\n');
  process.stdout.write(md);
}

const f = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
/** A ratio for the targets table; GNU time's 10 ms resolution can make a tiny CPU time 0. */
const times = (x) => (Number.isFinite(x) && x > 0 ? `${x.toFixed(2)}x` : 'n/a');
const verdict = (ok) => (ok === undefined ? '' : ok ? ' (met)' : ' (NOT met)');

function markdown(r) {
  const m = r.machine;
  const lines = [
    `# Benchmark results (${r.date})`,
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memGiB} GiB, ${m.os}; Node ${m.node}; ${m.rustc}.`,
    `Load average at start ${r.loadavgStart.map((x) => x.toFixed(2)).join(' ')}, at end ${r.loadavgEnd.map((x) => x.toFixed(2)).join(' ')}` +
      ` (near or above ${m.cores}, the core count, means other work shared the machine: treat the times as noisy).`,
    `Median of ${r.runs} runs per contender, runs alternating between contenders; seed ${r.seed}. Peak RSS: median over runs of GNU time's maximum resident set size. CPU: median user + sys time (GNU time), which other load inflates less than wall time.`,
    '',
    '| users | CSV MB | contender | median s | min–max s | MB/s | users/s | CPU s | peak RSS MiB |',
    '|---:|---:|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const s of r.sizes) {
    for (const [n, c] of Object.entries(s.contenders)) {
      lines.push(`| ${s.users.toLocaleString('en-US')} | ${f(s.bytes / 1e6, 1)} | ${CONTENDERS[n].label} | ${f(c.medianMs / 1000, 3)} | ${f(c.minMs / 1000, 3)}–${f(c.maxMs / 1000, 3)} | ${f(c.mbPerS, 1)} | ${Math.round(c.usersPerS).toLocaleString('en-US')} | ${f(c.medianCpuMs / 1000, 2)} | ${f(c.peakRssMiB, 1)} |`);
    }
  }
  lines.push('', '| target | figure |', '|---|---|');
  for (const s of r.sizes) {
    const c = s.contenders;
    const n = s.users.toLocaleString('en-US');
    if (c.wasm && c.naive) {
      const x = c.naive.medianMs / c.wasm.medianMs;
      lines.push(`| ${n} users: wasm CLI throughput / naive csv-parse script (a/c) >= 3x | ${f(x)}x${verdict(x >= 3)}; by CPU time ${times(c.naive.medianCpuMs / c.wasm.medianCpuMs)} |`);
    }
    if (c.wasm && c.native) {
      const x = c.wasm.medianMs / c.native.medianMs;
      lines.push(`| ${n} users: wasm CLI time / native time (b/a) <= 1.5x | ${f(x)}x${verdict(x <= 1.5)}; by CPU time ${times(c.wasm.medianCpuMs / c.native.medianCpuMs)} |`);
    }
    if (c.native && c.floor) lines.push(`| ${n} users: native time / csv-core floor (context) | ${f(c.native.medianMs / c.floor.medianMs, 1)}x |`);
  }
  const [small, large] = [r.sizes[0], r.sizes[r.sizes.length - 1]];
  if (r.sizes.length > 1) {
    for (const n of Object.keys(large.contenders)) {
      if (!small.contenders[n]) continue;
      const x = large.contenders[n].peakRssMiB / small.contenders[n].peakRssMiB;
      const label = `${CONTENDERS[n].label} peak RSS ${large.users.toLocaleString('en-US')} / ${small.users.toLocaleString('en-US')} users`;
      lines.push(n === 'wasm' ? `| ${label} <= 1.2 | ${f(x)}${verdict(x <= 1.2)} |` : `| ${label} (context) | ${f(x)} |`);
    }
  }
  const kb = (b) => `${(b / 1024).toFixed(1)} KiB`;
  lines.push(`| .wasm gzipped < 400 KB | ${kb(r.wasm.gzipBytes)} gzipped, ${kb(r.wasm.rawBytes)} raw${verdict(r.wasm.gzipBytes < 400_000)} |`);
  if (r.lazy) lines.push(`| one user in-process (${r.lazy.api}) median < 20 µs | median ${f(r.lazy.medianUs, 1)} µs, p99 ${f(r.lazy.p99Us, 1)} µs over ${r.lazy.calls.toLocaleString('en-US')} calls${verdict(r.lazy.medianUs < 20)} |`);
  return lines.join('\n') + '\n';
}

try {
  main();
} catch (err) {
  process.stderr.write(`${err.message}\n`);
  process.exitCode = 1;
}
