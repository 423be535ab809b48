/**
 * Which credentials file, backend and agent each server of a fleet gets, from the server's
 * operating system (its facts) and each file's vault service (vault/choose.ts): a Windows server
 * takes the file for the MARS agent, any other the file for the reference agent. A mixed run
 * takes one file per backend; a server no given file has an agent for is refused with the
 * single-server setup's own refusal (a Linux server with only an Azure file: AgentNeedsWindows).
 */
import type { VaultCredentials } from '../credentials/model';
import { SetupError } from '../errors';
import { nextStep } from '../nextActions';
import type { HostFacts } from '../target/target';
import { agentForPlatform, requireAgentRunsOn, type VaultChoice } from '../vault/choose';
import { FleetCode } from './types';

/** One credentials file of the run, read and its vault service chosen. */
export interface FleetFile {
  file: string;
  credentials: VaultCredentials;
  choice: VaultChoice;
}

/** Refuses two files for the same backend: which one a server gets would be a guess. */
export function requireOneFilePerBackend(files: readonly FleetFile[]): void {
  const seen = new Map<string, string>();
  for (const f of files) {
    const other = seen.get(f.choice.backend);
    if (other !== undefined) {
      throw new SetupError(FleetCode.CredentialsPerBackend, `The credentials files ${other} and ${f.credentials.fileName} are both for the same vault service (${f.choice.backend}); a fleet takes one file per vault service.`, {
        files: `${other},${f.credentials.fileName}`,
        backend: f.choice.backend,
        ...nextStep('selectCredentials'),
      });
    }
    seen.set(f.choice.backend, f.credentials.fileName);
  }
}

/** The file whose agent runs on the server, or the refusal naming why none does. */
export function fileForServer(files: readonly FleetFile[], facts: Pick<HostFacts, 'platform'>, server: string): FleetFile {
  const wanted = agentForPlatform(facts.platform);
  const match = files.find((f) => f.choice.agent === wanted);
  if (match) return match;
  // No file for this server's agent: the single-server setup's refusal for the first file says which OS it needs.
  requireAgentRunsOn(files[0]!.choice, facts, server);
  throw new Error(`unreachable: ${files[0]!.choice.agent} runs on ${facts.platform}`);
}
