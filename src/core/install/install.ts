/**
 * Installs a downloaded agent package on a target: prerequisites first, then the unpack, and the
 * staged agent is run (`node main.js --version`, which the reference agent answers once every part
 * of it has loaded, those it loads on first use too) before it replaces the current one, so an
 * agent that cannot start on this target is never put in place.
 */
import { pathOf } from '../target/paths';
import type { AgentLayout } from '../config/layout';
import { SetupError, throwIfAborted } from '../errors';
import { describeOutcome, exitCode, type CommandResult, type Target } from '../target/target';
import { checkPrerequisites, missingPrerequisitesError, type PrerequisiteReport } from './prerequisites';
import { unpackAgent, type UnpackProgress } from './unpack';

const VERIFY_TIMEOUT_MS = 30_000;

export type InstallProgress =
  | { phase: 'prerequisites' }
  | ({ phase: 'unpacking' } & UnpackProgress)
  | { phase: 'verifying' };

export interface InstallAgentOptions {
  target: Target;
  layout: AgentLayout;
  /** The verified package on the admin side, as downloadAgent returns it. */
  packageFile: string;
  signal?: AbortSignal;
  onProgress?: (progress: InstallProgress) => void;
  /** A report the caller already has for this target, so the check does not run twice. */
  prerequisites?: PrerequisiteReport;
}

export interface InstalledAgent {
  version: string;
  agentDir: string;
}

export async function installAgent(options: InstallAgentOptions): Promise<InstalledAgent> {
  const { target, layout, signal, onProgress } = options;
  throwIfAborted(signal);
  onProgress?.({ phase: 'prerequisites' });
  const prerequisites = options.prerequisites ?? (await checkPrerequisites(target, { signal }));
  const refusal = missingPrerequisitesError(target, prerequisites);
  if (refusal) throw refusal;
  return unpackAgent({
    target,
    // Node is there (the agent needs it): on a remote target it unpacks, rather than a write per file.
    onTarget: !target.isLocal && prerequisites.checks.some((c) => c.name === 'node' && c.ok),
    packageFile: options.packageFile,
    agentDir: layout.agentDir,
    signal,
    onProgress: (p) => onProgress?.({ phase: 'unpacking', ...p }),
    // Where the unpack runs on the target, the same command runs the staged agent: no session of its own.
    thenRun: { file: ['main.js'], args: ['--version'], timeoutMs: VERIFY_TIMEOUT_MS },
    beforeSwap: async (stagingDir, version, ran) => {
      onProgress?.({ phase: 'verifying' });
      await verifyRuns(target, stagingDir, version, ran, signal);
    },
  });
}

/**
 * Checks the staged agent reports the package's version: `ran` when the unpack already ran it
 * on the target, else it runs now.
 */
async function verifyRuns(target: Target, agentDir: string, version: string, ran: CommandResult | undefined, signal?: AbortSignal): Promise<void> {
  const main = pathOf(target).join(agentDir, 'main.js');
  const result = ran ?? (await target.run('node', [main, '--version'], { timeoutMs: VERIFY_TIMEOUT_MS, signal }));
  throwIfAborted(signal);
  const reported = result.stdout.trim();
  if (exitCode(result) === 0 && reported === version) return;
  const detail = (result.stderr.trim().split('\n')[0] ?? '').slice(0, 200);
  throw new SetupError(
    'AgentInstallVerifyFailed',
    `The new agent ${version} does not run on ${target.label} (${describeOutcome(result.outcome)}, reported "${reported.slice(0, 40)}"${detail ? `: ${detail}` : ''}). The previous agent was left in place.`,
    { target: target.label, expectedVersion: version, reportedVersion: reported.slice(0, 40), exitCode: exitCode(result) ?? -1, stderr: detail },
  );
}
