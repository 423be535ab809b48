/**
 * What the target needs before the agent can run: Node.js 18 or later (the agent is a bundled
 * Node program). Asked of the target itself through `target.run`, so a remote server reports
 * its own node, not ours.
 */
import { SetupError, throwIfAborted, type ErrorParams } from '../errors';
import type { Target } from '../target/target';

export const MIN_NODE_MAJOR = 18;
const CHECK_TIMEOUT_MS = 15_000;

export interface PrerequisiteCheck {
  name: string;
  /** The version range needed, e.g. `>=18`. */
  required: string;
  /** The version found; absent when the program is not there at all. */
  found?: string;
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

export async function checkPrerequisites(target: Target, options: { signal?: AbortSignal } = {}): Promise<PrerequisiteReport> {
  const { signal } = options;
  throwIfAborted(signal);
  const facts = await target.facts(signal);
  const checks = [await checkNode(target, facts.platform, signal)];
  return { ok: checks.every((c) => c.ok), platform: facts.platform, arch: facts.arch, checks };
}

async function checkNode(target: Target, platform: string, signal?: AbortSignal): Promise<PrerequisiteCheck> {
  const result = await target.run('node', ['--version'], { timeoutMs: CHECK_TIMEOUT_MS, signal });
  // A cancelled run looks like a missing program: do not report it as one.
  throwIfAborted(signal);
  const output = result.stdout.trim();
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(output);
  const found = match ? `${match[1]}.${match[2]}.${match[3]}` : result.code === 0 && output ? output.slice(0, 40) : undefined;
  const ok = match !== null && Number(match[1]) >= MIN_NODE_MAJOR;
  const check: PrerequisiteCheck = { name: 'node', required: `>=${MIN_NODE_MAJOR}`, ok };
  if (found !== undefined) check.found = found;
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
  const what = missing.map((c) => `${c.name} ${c.required}${c.found ? ` (found ${c.found})` : ' (not found)'}`).join(', ');
  return new SetupError('AgentPrerequisiteMissing', `${target.label} lacks what the agent needs: ${what}. ${missing.map((c) => c.howToGet ?? '').join(' ')}`.trim(), {
    target: target.label,
    missing: missing.map((c) => c.name).join(','),
    found: missing.map((c) => c.found ?? '').join(','),
    howToGet: missing.map((c) => c.howToGet ?? '').join(' '),
    ...extra,
  });
}
