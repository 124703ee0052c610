// npm run -s sim -- [--kernel K] FILE.json: the result document on stdout.
// Exit 0 when the scenario ran, 2 when it was refused, 1 on an internal error.
import { readFileSync } from 'node:fs';
import { INTERNAL_ERROR } from '../scenario/parse.ts';
import { formatDoc } from '../scenario/results.ts';
import { simulate } from '../scenario/run.ts';

const USAGE = 'usage: npm run -s sim -- [--kernel K] FILE.json';

function main(argv: string[]): number {
  let kernel: string | undefined;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--kernel') {
      kernel = argv[++i];
      if (kernel === undefined) return refuse(`--kernel needs a profile name\n${USAGE}`);
    } else if (a.startsWith('--kernel=')) kernel = a.slice('--kernel='.length);
    else if (a.startsWith('--')) return refuse(`unknown option ${a}\n${USAGE}`);
    else files.push(a);
  }
  if (files.length !== 1) return refuse(USAGE);
  const file = files[0] as string;
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    return refuse(`${file}: cannot read: ${(e as Error).message}`);
  }
  const out = simulate(text, { kernel });
  if (!out.ok) {
    // The parser turns its own exceptions into a message with this prefix: a ptlab bug.
    if (out.message.startsWith(INTERNAL_ERROR)) {
      process.stderr.write(`${file}: ${out.message}\n`);
      return 1;
    }
    return refuse(`${file}: ${out.message}`);
  }
  process.stdout.write(formatDoc(out.doc));
  return 0;
}

function refuse(message: string): number {
  process.stderr.write(`${message}\n`);
  return 2;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`ptlab internal error: ${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
}
