/**
 * What the target needs before the agent can run: Node.js 18 or later (the agent is a bundled
 * Node program). Asked of the target itself through `target.run`, so a remote server reports
 * its own node, not ours. A server too loaded to answer in time is asked once more with a
 * longer wait, then reported as not answering: never as missing the program.
 */
import { SetupError, throwIfAborted, type ErrorParams } from '../errors';
import { nextStep } from '../registration/errors';
import { describeOutcome, exitCode, seconds, type CommandResult, type HostFacts, type Target } from '../target/target';

export const MIN_NODE_MAJOR = 18;
/** The first wait for a version probe; a probe that times out is asked again with twice this. */
const PROBE_TIMEOUT_MS = 15_000;

export interface PrerequisiteCheck {
  name: string;
  /** The version range needed, e.g. `>=18`. */
  required: string;
  /** The version found; absent when the program is not there at all, or gave none. */
  found?: string;
  /** Why a program that is there gave no version (its exit code, a crash, could not start); absent when it is not found. */
  failure?: string;
  ok: boolean;
  /** How to get it, when it is missing or too old. */
  howToGet?: string;
}

export interface PrerequisiteReport {
  ok: boolean;
  platform: string;
  arch: string;
  checks: PrerequisiteCheck[];
}

export interface PrerequisiteOptions {
  signal?: AbortSignal;
  /** The first wait for each probe (PROBE_TIMEOUT_MS unless given). */
  probeTimeoutMs?: number;
}

/** The report, or an AgentPrerequisiteTimeout SetupError when the target did not answer a probe even with the longer wait. */
export async function checkPrerequisites(target: Target, options: PrerequisiteOptions = {}): Promise<PrerequisiteReport> {
  const { signal } = options;
  throwIfAborted(signal);
  const facts = await target.facts(signal);
  const checks = [await checkNode(target, facts, options)];
  return { ok: checks.every((c) => c.ok), platform: facts.platform, arch: facts.arch, checks };
}

/** Runs a version probe, once more with twice the wait if it times out; a second time-out is refused. */
async function probe(target: Target, command: string, args: string[], options: PrerequisiteOptions): Promise<CommandResult> {
  const first = options.probeTimeoutMs ?? PROBE_TIMEOUT_MS;
  const longer = 2 * first;
  for (const timeoutMs of [first, longer]) {
    const result = await target.run(command, args, { timeoutMs, signal: options.signal });
    // A cancelled run has no answer either: it is a cancellation, not a missing program.
    throwIfAborted(options.signal);
    if (result.outcome.kind !== 'timedOut') return result;
  }
  const line = [command, ...args].join(' ');
  throw new SetupError(
    'AgentPrerequisiteTimeout',
    `${target.label} did not answer \`${line}\` within ${seconds(longer)} s (nor within ${seconds(first)} s before): it is too busy to tell whether ${command} is there. Try again when the server is less loaded.`,
    { target: target.label, command: line, waitedSeconds: seconds(longer), ...nextStep('retryLater') },
  );
}

const NODE_VERSION = /^v?(\d+)\.(\d+)\.(\d+)/;

async function checkNode(target: Target, facts: HostFacts, options: PrerequisiteOptions): Promise<PrerequisiteCheck> {
  const { platform } = facts;
  // The version the host facts already hold; anything else is asked again, to say why.
  const known = facts.nodeVersion && NODE_VERSION.test(facts.nodeVersion) ? facts.nodeVersion : undefined;
  const result: CommandResult = known ? { outcome: { kind: 'exited', code: 0 }, stdout: known, stderr: '' } : await probe(target, 'node', ['--version'], options);
  const output = result.stdout.trim();
  const match = NODE_VERSION.exec(output);
  const found = match ? `${match[1]}.${match[2]}.${match[3]}` : exitCode(result) === 0 && output ? output.slice(0, 40) : undefined;
  const ok = match !== null && Number(match[1]) >= MIN_NODE_MAJOR;
  const check: PrerequisiteCheck = { name: 'node', required: `>=${MIN_NODE_MAJOR}`, ok };
  if (found !== undefined) check.found = found;
  else if (result.outcome.kind !== 'notFound') check.failure = describeOutcome(result.outcome);
  if (!ok) check.howToGet = nodeHowToGet(platform, target.label);
  return check;
}

function nodeHowToGet(platform: string, where: string): string {
  const source =
    platform === 'win32'
      ? 'from nodejs.org (or `winget install OpenJS.NodeJS.LTS`)'
      : platform === 'darwin'
        ? 'from nodejs.org (or `brew install node`)'
        : "from your distribution's packages (`apt-get install nodejs`, `dnf install nodejs`) or nodejs.org";
  return `Install Node.js ${MIN_NODE_MAJOR} or later ${source}, and make sure \`node\` is on the PATH that commands run with on ${where}.`;
}

/** The refusal for what a report says is missing (undefined when nothing is), naming how to get it. */
export function missingPrerequisitesError(target: Pick<Target, 'label'>, report: PrerequisiteReport, extra: ErrorParams = {}): SetupError | undefined {
  const missing = report.checks.filter((c) => !c.ok);
  if (missing.length === 0) return undefined;
  const what = missing.map((c) => `${c.name} ${c.required} (${c.found ? `found ${c.found}` : (c.failure ?? 'not found')})`).join(', ');
  return new SetupError('AgentPrerequisiteMissing', `${target.label} lacks what the agent needs: ${what}. ${missing.map((c) => c.howToGet ?? '').join(' ')}`.trim(), {
    target: target.label,
    missing: missing.map((c) => c.name).join(','),
    found: missing.map((c) => c.found ?? '').join(','),
    howToGet: missing.map((c) => c.howToGet ?? '').join(' '),
    ...extra,
  });
}
