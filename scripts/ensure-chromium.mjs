#!/usr/bin/env node
// Makes sure Debian's chromium is there for Playwright (TOOLCHAIN.md §4): the
// e2e tests never use a downloaded browser. Exit 0 when it is (or was just
// installed), 1 with the one command to run otherwise.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const path = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (existsSync(path)) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;

if (isRoot && hasApt && !process.env.CHROMIUM_PATH) {
  console.error(`ensure-chromium: ${path} is missing; installing Debian's chromium with apt-get`);
  spawnSync('sh', ['-c', 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium'], {
    stdio: 'inherit',
  });
  if (existsSync(path)) process.exit(0);
}

console.error(`ensure-chromium: ${path} not found. Install it with:`);
console.error('sudo apt-get install -y chromium');
process.exit(1);
