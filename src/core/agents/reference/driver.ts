/**
 * The reference agent's driver: the agent is a Node program installed on the target, and every
 * operation that needs the machine's key runs there as `node main.js <command> --json --stdin`.
 * The request (secrets included) goes on stdin, the answer comes back on stdout, the stages on
 * stderr. When the vault is on this machine's loopback, the target reaches it through a forward
 * held open for the run.
 */
import type * as z from 'zod';
import type { AgentLayout } from '../../config/layout';
import { fileBaseName, readCredentialsBytes } from '../../credentials/read';
import { SetupError, throwIfAborted } from '../../errors';
import type { PrerequisiteReport } from '../../install';
import type { Logger } from '../../log';
import { nextStep, withNextStep } from '../../registration/errors';
import type { RemoteRegistration } from '../../registration/vaultApi';
import { pathOf } from '../../target/paths';
import { describeOutcome, type Target } from '../../target/target';
import type { AgentChange, AgentCheck, AgentDriver, AgentOnTarget, AgentRegistered, AgentRegistration, AgentUnregistered, StagedOptions, VaultEndpoint } from '../driver';
import { ensureAgent, requirePrerequisites, type InstallHost } from './install';
import {
  changeAnswerSchema,
  checkAnswerSchema,
  failureSchema,
  registerAnswerSchema,
  readStderrLine,
  statusAnswerSchema,
  unregisterAnswerSchema,
  type RegisterRequest,
  type VaultWay,
} from './protocol';

/** Key generation, scrypt and the vault's retries on a slow server: generous, but bounded. */
const REGISTER_TIMEOUT_MS = 5 * 60_000;
const CALL_TIMEOUT_MS = 2 * 60_000;

export class ReferenceAgentDriver implements AgentDriver {
  private readonly target: Target;
  private readonly logger: Logger;

  constructor(private readonly host: InstallHost) {
    this.target = host.target;
    this.logger = host.logger;
  }

  requirePrerequisites(signal?: AbortSignal): Promise<PrerequisiteReport> {
    return requirePrerequisites(this.target, signal);
  }

  install(...args: Parameters<AgentDriver['install']>): Promise<AgentOnTarget> {
    return ensureAgent(this.host, ...args);
  }

  /** The agent's `register` checks the vault from the server before it makes a key (src/agent/commands/register.ts). */
  async checksVaultOnRegister(): Promise<boolean> {
    return true;
  }

  async register(layout: AgentLayout, registration: AgentRegistration, vault: VaultEndpoint, options: StagedOptions = {}): Promise<AgentRegistered> {
    // The file goes on the agent's stdin with the other secrets: it holds the vault's client key,
    // and a copy written on the server (folders, an atomic write, its removal) cost a dozen SFTP
    // round trips and a file to clean up after a lost connection.
    const credentials = await readCredentials(registration.credentialsFile, options.signal);
    const request = {
      credentials,
      serverName: registration.serverName,
      cacheFolder: registration.cacheFolder,
      proxy: registration.proxy,
      ...(registration.proxyPassword ? { proxyPassword: registration.proxyPassword.reveal() } : {}),
      ...(registration.passphrase ? { passphrase: registration.passphrase.reveal() } : {}),
      ...(registration.machineId ? { machineId: registration.machineId } : {}),
    };
    return this.call(layout, 'register', request, vault, registerAnswerSchema, { ...options, timeoutMs: REGISTER_TIMEOUT_MS });
  }

  async checkConnectivity(layout: AgentLayout, check: AgentCheck, vault: VaultEndpoint, signal?: AbortSignal) {
    if (!(await this.target.stat(this.mainOf(layout)))) return 'notInstalled' as const;
    const request = { endpoint: vault.endpoint, proxy: check.proxy, ...(check.proxyPassword ? { proxyPassword: check.proxyPassword.reveal() } : {}) };
    const { report, problem } = await this.call(layout, 'check', request, vault, checkAnswerSchema, { signal });
    // The server may have reached it through a forward: the report names the endpoint the files name.
    return { ...report, endpoint: vault.endpoint, ...(problem ? { problem: withNextStep(new SetupError(problem.code, problem.message, problem.params)) } : {}) };
  }

  async readRegistration(layout: AgentLayout, vault: VaultEndpoint, signal?: AbortSignal): Promise<RemoteRegistration> {
    return (await this.call(layout, 'status', {}, vault, statusAnswerSchema, { signal })).registration;
  }

  async change(layout: AgentLayout, change: AgentChange, vault: VaultEndpoint | undefined, options: StagedOptions = {}) {
    const request = {
      ...(change.proxy ? { proxy: change.proxy.proxy, ...(change.proxy.password ? { proxyPassword: change.proxy.password.reveal() } : {}) } : {}),
      ...(change.cacheFolder ? { cacheFolder: change.cacheFolder } : {}),
      ...(change.passphrase ? { passphrase: { securityPin: change.passphrase.securityPin.reveal(), newValue: change.passphrase.newValue.reveal() } } : {}),
    };
    return (await this.call(layout, 'change', request, vault, changeAnswerSchema, options)).config;
  }

  unregister(layout: AgentLayout, vault: VaultEndpoint | undefined, options: StagedOptions = {}): Promise<AgentUnregistered> {
    return this.call(layout, 'unregister', {}, vault, unregisterAnswerSchema, options);
  }

  /** Runs one agent command on the target with `request` (and the way to `vault`) on stdin. */
  private async call<S extends z.ZodType>(
    layout: AgentLayout,
    command: string,
    request: Record<string, unknown>,
    vault: VaultEndpoint | undefined,
    schema: S,
    options: StagedOptions & { timeoutMs?: number },
  ): Promise<z.output<S>> {
    throwIfAborted(options.signal);
    const main = this.mainOf(layout);
    const reached = vault && (await this.reach(vault.endpoint, options.signal));
    try {
      const way: VaultWay = {
        ...(reached?.connectTo ? { connectTo: reached.connectTo } : {}),
        ...(vault?.trusted ? { trustedCas: vault.trusted } : {}),
        ...(this.host.network ? { network: this.host.network } : {}),
      };
      const result = await this.target.run('node', [main, command, '--json', '--stdin', '--install-folder', layout.installFolder], {
        stdin: JSON.stringify({ ...request, way }),
        signal: options.signal,
        timeoutMs: options.timeoutMs ?? CALL_TIMEOUT_MS,
        onStderr: stderrReader(options.onStage, this.logger, this.target.label),
      });
      throwIfAborted(options.signal);
      return answerOf(result.stdout, schema, () => {
        if (result.outcome.kind === 'notFound') {
          return new SetupError('AgentNotInstalled', `The agent is not installed in ${layout.agentDir} on ${this.target.label}, or node is not on its PATH.`, {
            agentDir: layout.agentDir,
            ...nextStep('registerAgain'),
          });
        }
        return new SetupError(
          'AgentAnswerInvalid',
          `The agent on ${this.target.label} gave no valid answer to \`${command}\` (${describeOutcome(result.outcome)}): ${result.stderr.trim().slice(-300)}`,
          { command, outcome: result.outcome.kind, ...nextStep('reportProblem') },
        );
      });
    } finally {
      await reached?.close();
    }
  }

  private mainOf(layout: AgentLayout): string {
    return pathOf(this.target).join(layout.agentDir, 'main.js');
  }

  /** The address the target reaches the vault at: a forward when the vault is on this machine's loopback. */
  private async reach(endpoint: string, signal?: AbortSignal): Promise<{ connectTo?: { host: string; port: number }; close(): Promise<void> }> {
    const url = new URL(endpoint);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const port = Number(url.port || 443);
    const reached = await this.target.reach(host, port, signal);
    const same = reached.host === host && reached.port === port;
    return { ...(same ? {} : { connectTo: { host: reached.host, port: reached.port } }), close: () => reached.close() };
  }
}

/** The credentials file as the agent's request carries it: as it is, for the agent parses it with its own clock. */
async function readCredentials(file: string, signal?: AbortSignal): Promise<RegisterRequest['credentials']> {
  try {
    const { bytes } = await readCredentialsBytes(file, { signal });
    return { fileName: fileBaseName(file), base64: bytes.toString('base64') };
  } catch (err) {
    throw withNextStep(err);
  }
}

/** The agent's stderr, line by line as it arrives: its stages, and its log lines into this log. */
function stderrReader(onStage: ((name: string) => void) | undefined, logger: Logger, where: string): (text: string) => void {
  let pending = '';
  return (text) => {
    pending += text;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const said = readStderrLine(line);
      if (said && 'stage' in said) onStage?.(said.stage);
      else if (said) logger[said.log](`${said.message} (on ${where})`);
    }
  };
}

/** The agent's answer, its refusal as the SetupError it made, or `otherwise` for no answer. */
function answerOf<S extends z.ZodType>(stdout: string, schema: S, otherwise: () => SetupError): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    throw otherwise();
  }
  const failure = failureSchema.safeParse(json);
  if (failure.success) {
    const { code, message, params } = failure.data.error;
    throw withNextStep(new SetupError(code, message, params));
  }
  const answer = schema.safeParse(json);
  if (!answer.success) throw otherwise();
  return answer.data;
}
