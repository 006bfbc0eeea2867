#!/usr/bin/env node
// Runs before `npm start`, `npm test` and `npm run bench` on whatever Node the machine has (20+):
// installs the npm dependencies when they are missing or stale, which also brings the pinned
// Node 24 (the `node` devDependency) that every other script then runs on.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stampFile = join(root, 'node_modules', '.phzzk-install-stamp');
const pinnedNode = join(root, 'node_modules', '.bin', 'node');

function fail(message) {
  console.error(`\nphzzk: ${message}\n`);
  process.exit(1);
}

const major = Number(process.versions.node.split('.')[0]);
if (major < 20)
  fail(
    `Node.js ${process.versions.node} is too old to bootstrap; install Node.js 20 or newer (PHZZK then pins Node 24 itself).`,
  );

function manifestsHash() {
  const hash = createHash('sha256');
  for (const file of ['package.json', 'package-lock.json']) {
    const path = join(root, file);
    if (existsSync(path)) hash.update(readFileSync(path));
  }
  return hash.digest('hex');
}

const wanted = manifestsHash();
const current = existsSync(stampFile) ? readFileSync(stampFile, 'utf8').trim() : '';
if (current !== wanted || !existsSync(pinnedNode)) {
  // `npm install`, not `npm ci`: it follows the lock file too, but npm's lock files drop other
  // platforms' optional binaries (Biome's), which makes `npm ci` refuse an otherwise good lock.
  console.log('phzzk: installing npm dependencies (npm install) ...');
  const result = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  if (result.status !== 0) fail('npm install failed (see above). The npm registry must be reachable.');
  writeFileSync(stampFile, `${manifestsHash()}\n`);
}

const version = spawnSync(pinnedNode, ['--version'], { encoding: 'utf8' });
if (version.status !== 0 || !/^v24\./.test(version.stdout.trim())) {
  fail(
    `the pinned Node 24 at node_modules/.bin/node did not run (${(version.stderr || version.stdout || '').trim()}); delete node_modules and run again.`,
  );
}
