// npm run -s sim -- [--kernel K] FILE.json        the result document (format v1)
// npm run -s sim -- --trace [--kernel K] FILE.json  every step's trace as JSON lines
// npm run -s sim -- --compare K1,K2[,...] FILE.json the steps whose results differ
// npm run -s sim -- --exercise SEED [--kernel K]    a seeded exercise (scenario text)
// npm run -s sim -- --answers [--kernel K] FILE.json the answer key (an answers document)
// npm run -s sim -- --check ANSWERS.json [--kernel K] FILE.json  grade predictions
// Exit 0 when the scenario ran, 2 when it was refused, 1 on an internal error;
// --check: 0 when every answer is right, 3 when some are wrong, 2 for a malformed answers file.
import { readFileSync } from 'node:fs';
import { describeExercise, isSeed } from '../classroom/generate.ts';
import { answerKey, formatAnswers, gradeAnswers, parseAnswers } from '../classroom/grade.ts';
import { INTERNAL_ERROR, parseScenario } from '../scenario/parse.ts';
import { formatDoc } from '../scenario/results.ts';
import { compareProfiles, simulate, traceScenario } from '../scenario/run.ts';
import type { KernelName } from '../scenario/types.ts';

const USAGE =
  'usage: npm run -s sim -- [--kernel K] [--trace] [--compare K1,K2] FILE.json\n' +
  '       npm run -s sim -- --exercise SEED [--kernel K]\n' +
  '       npm run -s sim -- [--kernel K] --answers FILE.json\n' +
  '       npm run -s sim -- [--kernel K] --check ANSWERS.json FILE.json';

/** --check: some answers are wrong (1 stays an internal error). */
const SOME_WRONG = 3;

interface Options {
  kernel?: string;
  trace: boolean;
  compare?: string[];
  exercise?: number;
  answers: boolean;
  check?: string;
  file: string;
}

function parseArgs(argv: string[]): Options | string {
  const o: Partial<Options> & { trace: boolean; answers: boolean } = { trace: false, answers: false };
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const value = (name: string): string | undefined => (a === name ? argv[++i] : a.slice(name.length + 1));
    if (a === '--kernel' || a.startsWith('--kernel=')) {
      o.kernel = value('--kernel');
      if (!o.kernel) return '--kernel needs a profile name';
    } else if (a === '--compare' || a.startsWith('--compare=')) {
      const list = value('--compare');
      if (!list) return '--compare needs profile names, e.g. --compare 4.19,6.1';
      o.compare = list.split(',').filter(Boolean);
      if (o.compare.length < 2) return '--compare needs at least two profiles, e.g. --compare 4.19,6.1';
    } else if (a === '--exercise' || a.startsWith('--exercise=')) {
      const seed = value('--exercise');
      const n = seed !== undefined && /^\d+$/.test(seed) ? Number(seed) : Number.NaN;
      if (!isSeed(n)) return `--exercise needs a seed, an integer from 0 to 4294967295 (got ${seed ?? 'nothing'})`;
      o.exercise = n;
    } else if (a === '--check' || a.startsWith('--check=')) {
      o.check = value('--check');
      if (!o.check) return '--check needs the answers file, e.g. --check ANSWERS.json FILE.json';
    } else if (a === '--answers') o.answers = true;
    else if (a === '--trace') o.trace = true;
    else if (a.startsWith('--')) return `unknown option ${a}`;
    else files.push(a);
  }
  const modes = [
    o.trace && '--trace',
    o.compare && '--compare',
    o.exercise !== undefined && '--exercise',
    o.answers && '--answers',
    o.check && '--check',
  ].filter(Boolean);
  if (modes.length > 1) return `${modes.join(' and ')} do not go together`;
  if (o.exercise !== undefined) {
    if (files.length > 0) return '--exercise writes a scenario: it takes no scenario file';
    return { ...o, file: '' };
  }
  if (files.length !== 1) return 'give exactly one scenario file (- for standard input)';
  if (o.compare && (o.trace || o.kernel))
    return '--compare runs its own profiles: it does not go with --kernel or --trace';
  return { ...o, file: files[0] as string };
}

function main(argv: string[]): number {
  const opts = parseArgs(argv);
  if (typeof opts === 'string') return refuse(`${opts}\n${USAGE}`);
  if (opts.exercise !== undefined) {
    try {
      process.stdout.write(describeExercise(opts.exercise, { kernel: opts.kernel }).text);
    } catch (e) {
      if (e instanceof RangeError) return refuse(`--exercise: ${e.message}`);
      throw e;
    }
    return 0;
  }
  let text: string;
  try {
    text = readFileSync(opts.file === '-' ? 0 : opts.file, 'utf8');
  } catch (e) {
    return refuse(`${opts.file}: cannot read: ${(e as Error).message}`);
  }
  if (opts.compare) {
    const out = compareProfiles(text, opts.compare);
    if (!out.ok) return refused(opts.file, out.message);
    for (const d of out.differences) process.stdout.write(`${JSON.stringify(d)}\n`);
    const steps = out.docs[0]?.results.length ?? 0;
    process.stdout.write(`${JSON.stringify({ compared: opts.compare, steps, differ: out.differences.length })}\n`);
    return 0;
  }
  if (opts.answers) {
    const out = simulate(text, { kernel: opts.kernel });
    if (!out.ok) return refused(opts.file, out.message);
    process.stdout.write(formatAnswers(answerKey(out.doc)));
    return 0;
  }
  if (opts.check) return check(opts.check, opts.file, text, opts.kernel);
  if (opts.trace) {
    const parsed = parseScenario(text, { kernel: opts.kernel as KernelName | undefined });
    if (!parsed.ok) return refused(opts.file, parsed.message);
    const { doc, traces } = traceScenario(parsed.scenario);
    const lines: string[] = [];
    doc.results.forEach((result, step) => {
      for (const e of traces[step] ?? []) lines.push(JSON.stringify({ step, ...e }));
      lines.push(JSON.stringify({ step, result }));
    });
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  }
  const out = simulate(text, { kernel: opts.kernel });
  if (!out.ok) return refused(opts.file, out.message);
  process.stdout.write(formatDoc(out.doc));
  return 0;
}

/** Grade the answers file against the scenario: 0 all right, 3 some wrong, 2 malformed answers or a refused scenario. */
function check(answersFile: string, file: string, text: string, kernel: string | undefined): number {
  let answersText: string;
  try {
    answersText = readFileSync(answersFile === '-' ? 0 : answersFile, 'utf8');
  } catch (e) {
    return refuse(`${answersFile}: cannot read: ${(e as Error).message}`);
  }
  const answers = parseAnswers(answersText);
  if (!answers.ok) return refuse(`${answersFile}: ${answers.message}`);
  const out = simulate(text, { kernel: kernel ?? answers.doc.kernel });
  if (!out.ok) return refused(file, out.message);
  const graded = gradeAnswers(answers.doc.answers, out.doc);
  if (!graded.ok) return refuse(`${answersFile}: ${graded.message}`);
  const { report } = graded;
  const lines = report.steps.map((s) => `  ${JSON.stringify(s)}`);
  process.stdout.write(
    `{"kernel": ${JSON.stringify(report.kernel)}, "score": ${report.score}, "total": ${report.total}, "steps": [\n${lines.join(',\n')}\n]}\n`,
  );
  return report.score === report.total ? 0 : SOME_WRONG;
}

/** The parser turns its own exceptions into a message with INTERNAL_ERROR first: a ptlab bug, exit 1. */
function refused(file: string, message: string): number {
  if (message.includes(INTERNAL_ERROR)) {
    process.stderr.write(`${file}: ${message}\n`);
    return 1;
  }
  return refuse(`${file}: ${message}`);
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
