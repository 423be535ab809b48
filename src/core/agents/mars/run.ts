/**
 * Runs one MARS script on the target through the Target interface only: the command line from
 * commandLine.ts (`powershell.exe … -EncodedCommand`), the secrets as the JSON the script reads
 * from stdin, the answer from its result line. A refusal becomes the project's code (./errors.ts);
 * the service's transient 0x7DC is tried again a few times before it is reported.
 */
import { SetupError, throwIfAborted } from '../../errors';
import { nextStep, withNextStep } from '../../registration/errors';
import type { Secret } from '../../secret';
import { commandPlan } from '../../target/powershell/commandLine';
import { parsePsResult } from '../../target/powershell/result';
import { stdinFor, type PsScript } from '../../target/powershell/script';
import { describeOutcome, exitCode, type Target } from '../../target/target';
import { MarsCode } from './codes';
import { marsFailure } from './errors';

/** Tries of a transient failure (0x7DC), and the wait before each new one (doubled each time). */
export const TRANSIENT_TRIES = 3;
const FIRST_WAIT_MS = 5_000;

export interface ScriptRunner {
  target: Target;
  /** Waits between tries; tests pass one that does not wait. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface ScriptRun {
  /** For messages: what the script does ("register with the vault"). */
  what: string;
  secrets?: Readonly<Record<string, Secret>>;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** The script's `$data`, or the refusal it reported as a SetupError with its next step. */
export async function runMarsScript(runner: ScriptRunner, script: PsScript, run: ScriptRun): Promise<unknown> {
  const plan = commandPlan(script.code);
  if (plan.via !== 'commandLine') {
    // Every MARS script fits with ordinary values (test/unit/mars); only hostile lengths get here.
    throw Object.assign(new Error(`The script to ${run.what} is too long for a command line (${plan.commandLineLength} characters)`), { code: 'E2BIG' });
  }
  // powershell.exe and its switches: no part of the line has a space of its own (base64).
  const [command, ...args] = plan.commandLine.split(' ') as [string, ...string[]];
  const stdin = stdinFor(script, run.secrets ?? {});
  for (let attempt = 1; ; attempt++) {
    throwIfAborted(run.signal);
    const result = await runner.target.run(command, args, {
      ...(script.stdin.length > 0 ? { stdin } : {}),
      ...(run.signal ? { signal: run.signal } : {}),
      ...(run.timeoutMs ? { timeoutMs: run.timeoutMs } : {}),
    });
    throwIfAborted(run.signal);
    const parsed = parsePsResult(result.stdout, exitCode(result) ?? null);
    if (!parsed) {
      throw new SetupError(MarsCode.NoResult, `PowerShell on ${runner.target.label} gave no result for the step "${run.what}" (${describeOutcome(result.outcome)}).`, {
        step: run.what,
        target: runner.target.label,
        outcome: result.outcome.kind,
        ...nextStep('reportProblem'),
      });
    }
    if (parsed.ok) return parsed.data;
    const failure = marsFailure(parsed.error);
    if (!failure.transient || attempt >= TRANSIENT_TRIES) throw withNextStep(failure.error);
    await runner.sleep(FIRST_WAIT_MS * 2 ** (attempt - 1), run.signal);
  }
}
