/**
 * Which vault service a credentials file belongs to, and which agent that means on the server,
 * decided from the file alone and refused at the first step when the server cannot take it:
 * - an IdMgmtRestEndpoint under an Azure cloud's Backup domain (clouds.ts): Azure, the MARS agent
 *   (Windows only);
 * - else a file in the local vault's format (localFormat.ts), or one composed from the Resource
 *   Manager endpoint the user configured instead of an Azure cloud's (the local vault's ARM
 *   emulator, whose IdMgmtRestEndpoint is the vault itself): the local vault, the reference agent
 *   (Linux and other POSIX systems);
 * - anything else: refused (VaultBackendUnknown).
 */
import type { VaultCredentials } from '../credentials/model';
import { SetupError } from '../errors';
import { nextStep } from '../nextActions';
import type { HostFacts } from '../target/target';
import { azureCloudOf } from './clouds';
import { armEndpoint, isConfiguredEndpoint, originOf } from './azure/endpoint';
import type { AgentKind, BackendKind } from './kinds';
import { namesLocalVault } from './localFormat';

/** A file's vault service and the agent it needs; `cloud` is the Azure environment's name. */
export interface VaultChoice {
  backend: BackendKind;
  agent: AgentKind;
  cloud?: string;
}

/** What the choice depends on besides the file: the adapter's configuration, passed in. */
export interface ChoiceOptions {
  /**
   * The Resource Manager endpoint the user configured (the setting
   * backupAgent.azure.resourceManagerEndpoint, the CLI's --arm-endpoint). A file whose endpoint is
   * on that origin was composed from it; an Azure cloud's own Resource Manager never makes a file
   * local.
   */
  armEndpoint?: string;
}

/** The vault service `credentials` belongs to; refused when it is none of the known ones. */
export function chooseVault(credentials: Pick<VaultCredentials, 'endpoint' | 'agentLinks' | 'fileName'>, options: ChoiceOptions = {}): VaultChoice {
  const cloud = azureCloudOf(credentials.endpoint);
  if (cloud) return { backend: 'azure', agent: BACKEND_AGENT.azure, cloud: cloud.name };
  if (namesLocalVault(credentials) || composedFromConfiguredArm(credentials.endpoint, options.armEndpoint)) return { backend: 'local', agent: BACKEND_AGENT.local };
  let host = credentials.endpoint;
  try {
    host = new URL(credentials.endpoint).host;
  } catch {
    // The endpoint as written.
  }
  throw new SetupError(
    'VaultBackendUnknown',
    `The credentials file ${credentials.fileName} is for a vault at ${host}, which is neither an Azure Backup endpoint (https, under a known Azure cloud) nor the local vault. Download a credentials file from your vault.`,
    { file: credentials.fileName, host, ...nextStep('selectCredentials') },
  );
}

/** The file's endpoint is the configured non-Azure Resource Manager's origin (the emulator's, which is the vault's). */
function composedFromConfiguredArm(endpoint: string, armEndpointUrl: string | undefined): boolean {
  if (armEndpointUrl === undefined || originOf(armEndpointUrl) === undefined) return false;
  const arm = armEndpoint(armEndpointUrl);
  return isConfiguredEndpoint(arm) && originOf(endpoint) === arm.url;
}

/**
 * The one agent × backend × platform rule, which the single-server setup (the service's driver,
 * step 1) and the fleet's plan both apply: a backend's machines run one agent (an Azure vault:
 * the MARS agent; the local vault: the reference agent), and each agent runs on one kind of system.
 */
export const BACKEND_AGENT = { azure: 'mars', local: 'reference' } as const satisfies Record<BackendKind, AgentKind>;

/** The agent that runs on a system: MARS on Windows, the reference agent on every other (POSIX) one. */
export function agentForPlatform(platform: string): AgentKind {
  return platform === 'win32' ? 'mars' : 'reference';
}

/**
 * The vault service whose agent runs on a system (BACKEND_AGENT read backwards): a registered
 * server's, whichever credentials file is selected (service/status.ts's statusChoice).
 */
export function backendForPlatform(platform: string): BackendKind {
  const agent = agentForPlatform(platform);
  return (Object.keys(BACKEND_AGENT) as BackendKind[]).find((backend) => BACKEND_AGENT[backend] === agent)!;
}

/** The agent a server of `backend` gets; refused (AgentNeedsWindows, AgentNeedsLinux) when that agent does not run on its system. */
export function agentForServer(backend: BackendKind, facts: Pick<HostFacts, 'platform'>, server: string): AgentKind {
  const agent = BACKEND_AGENT[backend];
  requireAgentRunsOn({ agent }, facts, server);
  return agent;
}

/** Refuses a target whose operating system `choice`'s agent does not run on, naming both. */
export function requireAgentRunsOn(choice: Pick<VaultChoice, 'agent'>, facts: Pick<HostFacts, 'platform'>, server: string): void {
  if (agentForPlatform(facts.platform) === choice.agent) return;
  const targetOs = osName(facts.platform);
  if (choice.agent === 'mars') {
    throw new SetupError('AgentNeedsWindows', `This credentials file is for the MARS agent on Windows; ${server} runs ${targetOs}.`, {
      server,
      targetOs,
      ...nextStep('selectCredentials'),
    });
  }
  throw new SetupError('AgentNeedsLinux', `This credentials file is for the reference agent on Linux; ${server} runs ${targetOs}.`, {
    server,
    targetOs,
    ...nextStep('selectCredentials'),
  });
}

/** Refuses a file whose vault service is not the one this setup works with. */
export function requireBackend(choice: VaultChoice, available: BackendKind, fileName: string): void {
  if (choice.backend === available) return;
  throw new SetupError('VaultBackendNotAvailable', `The credentials file ${fileName} is for ${BACKEND_NAMES[choice.backend]}, which this setup cannot set up agents for yet.`, {
    file: fileName,
    backend: choice.backend,
    ...nextStep('selectCredentials'),
  });
}

/**
 * Step 1's rule: the file's vault service and agent, refused unless the server's operating
 * system runs that agent and this setup has that backend.
 */
export function requireUsable(
  credentials: Pick<VaultCredentials, 'endpoint' | 'agentLinks' | 'fileName'>,
  server: { facts: Pick<HostFacts, 'platform'>; label: string },
  available: BackendKind,
  options: ChoiceOptions = {},
): VaultChoice {
  const choice = chooseVault(credentials, options);
  requireAgentRunsOn(choice, server.facts, server.label);
  requireBackend(choice, available, credentials.fileName);
  return choice;
}

const BACKEND_NAMES: Record<BackendKind, string> = { local: 'the local vault', azure: 'an Azure Recovery Services vault' };

/** An operating system's name as a message shows it (node's platform names otherwise). */
function osName(platform: string): string {
  const names: Record<string, string> = { linux: 'Linux', win32: 'Windows', darwin: 'macOS', freebsd: 'FreeBSD', openbsd: 'OpenBSD', sunos: 'Solaris', aix: 'AIX' };
  return names[platform] ?? platform;
}
