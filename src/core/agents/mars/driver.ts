/**
 * The MARS agent's driver: every step is a PowerShell script (./scripts) run through the Target
 * interface (./run.ts), its secrets on stdin. Built to the documented interface (agent facts §3,
 * ARM facts §4) and checked here with a recording fake Target only: no Windows machine has run it
 * (docs/windows-verification.md is the run that would).
 *
 * What the agent keeps of itself is in the registry and the vault; the setup's own record of a
 * server (its configuration, no secret) is written beside it as for the reference agent, its
 * `registration` the certificate thumbprint Start-OBRegistration reported, so a later run (a
 * fleet's "already registered") sees it as it sees a Linux one. The vault's own view is Azure's.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { type AgentConfig, publicConfig, readAgentConfig, writeAgentConfig } from '../../config/agentConfig';
import type { AgentProxy } from '../../config/agentConfig';
import type { AgentLayout } from '../../config/layout';
import type { AgentLink } from '../../credentials/model';
import { inspectCredentialsBytes } from '../../credentials/inspect';
import { readCredentialsBytes } from '../../credentials/read';
import { SetupError, throwIfAborted } from '../../errors';
import { missingPrerequisitesError, type PrerequisiteCheck, type PrerequisiteReport } from '../../install';
import type { Logger } from '../../log';
import { createPassphraseVerifier } from '../../passphrase/verifier';
import { nextStep } from '../../registration/errors';
import type { RemoteRegistration } from '../../registration/vaultApi';
import { Secret } from '../../secret';
import type { VaultRoute } from '../../service/vaultAccess';
import type { Target } from '../../target/target';
import { AgentCode } from '../codes';
import type { AgentChange, AgentDriver, AgentOnTarget, AgentRegistered, AgentRegistration, AgentUnregistered, InstallOptions, StagedOptions } from '../driver';
import { MarsCode } from './codes';
import { parseRegistrationOutput } from './output';
import { securityPinPrompt, type SecurityPinPrompt } from './pin';
import { runMarsScript, type ScriptRunner } from './run';
import { moveCacheScript } from './scripts/cache';
import { downloadScript } from './scripts/download';
import { factsScript, parseWindowsFacts } from './scripts/facts';
import { installScript, uninstallScript } from './scripts/install';
import { passphraseScript } from './scripts/passphrase';
import { proxyScript, type MarsProxy } from './scripts/proxy';
import { registerScript, removeRegistrationFolderScript, type RegistrationFolder } from './scripts/register';
import { moduleVersionScript } from './scripts/status';

/** The link agent facts §3 names, when the credentials file names none for the MARS agent. */
export const MARS_INSTALLER_LINK = 'https://aka.ms/azurebackup_agent';
/** Windows Server 2019 is build 17763 (issue 14: 2019 or newer). */
const MIN_WINDOWS_BUILD = 17763;
/** Downloading and installing the agent, and registering (the vault's side included), take minutes. */
const INSTALL_TIMEOUT_MS = 20 * 60_000;
const REGISTER_TIMEOUT_MS = 5 * 60_000;
const CALL_TIMEOUT_MS = 2 * 60_000;

/** Who downloads MARSAgentInstaller.exe: the server itself, or this machine, which then uploads it (the setting backupAgent.mars.installerDownload). */
export type InstallerRoute = 'server' | 'admin';

export interface MarsSettings {
  installerRoute: InstallerRoute;
  /** The installer's `/m` (the setting backupAgent.mars.microsoftUpdate). */
  microsoftUpdate: boolean;
  /** The cache folder the installer is given (`/s:`); registering moves it when the admin chose another. */
  cacheFolder: string;
  /** Where the installer is put on the server (kept: uninstalling runs it again with `/d`). */
  stagingFolder: string;
  /** Unregistering also uninstalls the agent (`/d`). */
  uninstallOnUnregister?: boolean;
}

/** A server's registered identity at its vault (ArmSession's VaultRef and the server's name). */
export interface RegisteredAt {
  subscriptionId: string;
  resourceGroup: string;
  vault: string;
  serverName: string;
}

export interface MarsHost {
  target: Target;
  logger: Logger;
  settings: MarsSettings;
  /** The admin route: the installer fetched on this machine through this side's effective proxy. */
  fetchInstaller?(url: string, route: VaultRoute, signal?: AbortSignal): Promise<Uint8Array>;
  /** Asks the admin for the vault's security PIN; undefined when the admin gives none. */
  askSecurityPin(prompt: SecurityPinPrompt, signal?: AbortSignal): Promise<Secret | undefined>;
  /** The vault's side of unregistering: the Azure backend's registered-identity removal (ArmSession.removeServer), the vault as the configuration names it. */
  removeAtVault(at: RegisteredAt, signal?: AbortSignal): Promise<void>;
  /**
   * The vault's view of the server: its entry among the vault's registered servers (Azure Resource
   * Manager's list, ArmSession.listServers), undefined when the vault lists it no more. Refused
   * with AzureSignedOut while signed out: the status then shows what the server says alone.
   */
  readAtVault(at: RegisteredAt, signal?: AbortSignal): Promise<{ registrationStatus?: string } | undefined>;
  /** Waits between tries of a transient failure; tests pass one that does not wait. */
  sleep?(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The link for the MARS installer among the file's AgentLinks (its URL or name says so), else the facts' link. */
export function installerLink(links: readonly AgentLink[] = []): string {
  const mars = links.find((l) => /^https:\/\//i.test(l.url) && (/MARSAgentInstaller\.exe/i.test(l.url) || /\bMARS\b|Recovery Services Agent/i.test(l.name)));
  return mars?.url ?? MARS_INSTALLER_LINK;
}

/** The agent's proxy as Set-OBMachineSetting takes it; `environment` has no MARS equivalent: the system's settings (-NoProxy). */
export function marsProxyOf(proxy: AgentProxy, hasPassword: boolean): MarsProxy {
  if (proxy.mode !== 'explicit') return { kind: 'none' };
  return { kind: 'proxy', server: proxy.host, port: proxy.port, ...(proxy.user ? { username: proxy.user } : {}), password: hasPassword && proxy.user !== '' };
}

/** This side's proxy for the installer's download on the server, its password taken back from the Basic authorization. */
function routeProxy(route: VaultRoute): { proxy: MarsProxy; password?: Secret } {
  const p = route.proxy.proxy;
  if (!p) return { proxy: { kind: 'none' } };
  const server = p.host.includes(':') ? `[${p.host}]` : p.host;
  const basic = p.authorization?.reveal().match(/^Basic (.+)$/)?.[1];
  const userPass = basic === undefined ? undefined : Buffer.from(basic, 'base64').toString('utf8');
  const password = userPass === undefined ? undefined : userPass.slice(userPass.indexOf(':') + 1);
  if (p.username === undefined || password === undefined) return { proxy: { kind: 'proxy', server, port: p.port, ...(p.username ? { username: p.username } : {}), password: false } };
  return { proxy: { kind: 'proxy', server, port: p.port, username: p.username, password: true }, password: new Secret(password) };
}

const sameFolder = (a: string, b: string) => path.win32.normalize(a).replace(/\\+$/, '').toLowerCase() === path.win32.normalize(b).replace(/\\+$/, '').toLowerCase();

export class MarsDriver implements AgentDriver {
  private readonly runner: ScriptRunner;

  constructor(private readonly host: MarsHost) {
    this.runner = { target: host.target, sleep: host.sleep ?? waitFor };
  }

  private get target(): Target {
    return this.host.target;
  }

  private get installer(): string {
    return path.win32.join(this.host.settings.stagingFolder, 'MARSAgentInstaller.exe');
  }

  async requirePrerequisites(signal?: AbortSignal): Promise<PrerequisiteReport> {
    const data = await runMarsScript(this.runner, factsScript(this.host.settings.cacheFolder), { what: 'read the server facts', signal, timeoutMs: CALL_TIMEOUT_MS });
    const facts = parseWindowsFacts(data);
    if (!facts) throw new SetupError(AgentCode.AnswerInvalid, `The server facts from ${this.target.label} are not in the expected form.`, { ...nextStep('reportProblem') });
    const build = Number(facts.osVersion.split('.')[2] ?? 0);
    const checks: PrerequisiteCheck[] = [
      {
        name: 'Windows Server',
        required: `>=10.0.${MIN_WINDOWS_BUILD} (2019)`,
        found: `${facts.osCaption} ${facts.osVersion}`.trim(),
        ok: build >= MIN_WINDOWS_BUILD,
        howToGet: 'The MARS agent is set up on Windows Server 2019 or newer.',
      },
      {
        name: 'elevated administrator',
        required: 'yes',
        found: facts.elevated ? 'yes' : 'no',
        ok: facts.elevated,
        howToGet: "Connect as a member of the server's Administrators group (OpenSSH gives administrators an elevated session).",
      },
    ];
    const report: PrerequisiteReport = { ok: checks.every((c) => c.ok), platform: 'win32', arch: facts.arch ?? '', checks };
    const refusal = missingPrerequisitesError(this.target, report, nextStep('installPrerequisites'));
    if (refusal) throw refusal;
    return report;
  }

  async install(route: VaultRoute, layout: AgentLayout, options: InstallOptions = {}): Promise<AgentOnTarget> {
    const { signal } = options;
    const version = await this.moduleVersion(layout, signal);
    if (version !== undefined) return { version, agentDir: layout.installFolder, installed: false };
    const url = installerLink(options.agentLinks);
    // The download host is not the vault: its proxy is decided for it (a no-proxy entry may name one but not the other).
    const download = { ...route, proxy: options.proxyFor?.(url) ?? route.proxy };
    if (this.host.settings.installerRoute === 'server') {
      const { proxy, password } = routeProxy(download);
      await runMarsScript(this.runner, downloadScript(url, this.installer, proxy), {
        what: 'download the MARS agent',
        secrets: password ? { proxyPassword: password } : {},
        signal,
        timeoutMs: INSTALL_TIMEOUT_MS,
      });
    } else {
      if (!this.host.fetchInstaller) throw new Error('The admin download route needs fetchInstaller');
      const bytes = await this.host.fetchInstaller(url, download, signal);
      throwIfAborted(signal);
      await this.target.mkdir(this.host.settings.stagingFolder);
      await this.target.writeFileAtomic(this.installer, bytes);
    }
    const { settings } = this.host;
    await runMarsScript(this.runner, installScript({ installer: this.installer, installFolder: layout.installFolder, cacheFolder: settings.cacheFolder, microsoftUpdate: settings.microsoftUpdate }), {
      what: 'install the MARS agent',
      signal,
      timeoutMs: INSTALL_TIMEOUT_MS,
    });
    const installed = await this.moduleVersion(layout, signal);
    if (installed === undefined) {
      throw new SetupError(AgentCode.NotInstalled, `The MARS agent's PowerShell module is not in ${layout.installFolder} on ${this.target.label} after installing.`, {
        agentDir: layout.installFolder,
        ...nextStep('reportProblem'),
      });
    }
    return { version: installed, agentDir: layout.installFolder, installed: true };
  }

  /**
   * MARS has no check of its own that this setup runs from the server (its registration is the
   * check): the service checks from this side and says so (`checkedOn: 'adminOnly'`).
   */
  async checkConnectivity(): Promise<'noServerCheck'> {
    return 'noServerCheck';
  }

  async register(layout: AgentLayout, registration: AgentRegistration, _vault: unknown, options: StagedOptions = {}): Promise<AgentRegistered> {
    const { signal, onStage } = options;
    // The bytes sent are the bytes parsed: one read.
    const { bytes } = await readCredentialsBytes(registration.credentialsFile, { signal });
    const credentials = await inspectCredentialsBytes(bytes, path.basename(registration.credentialsFile), { signal });
    const fileName = /\.VaultCredentials$/i.test(credentials.fileName) ? credentials.fileName : 'vault.VaultCredentials';
    const folder: RegistrationFolder = { folderName: `backup-agent-setup-${randomUUID()}`, fileName: fileName.replace(/[\\/:*?"<>|\p{Cc}]/gu, '_') };

    onStage?.('registerWithVault');
    const data = await this.registerOnce(layout, folder, new Secret(Buffer.from(bytes).toString('base64')), signal);
    const answer = parseRegistrationOutput(data);
    if (!answer) {
      throw new SetupError(AgentCode.AnswerInvalid, `Start-OBRegistration on ${this.target.label} did not report "Machine registration succeeded."`, { command: 'Start-OBRegistration', ...nextStep('reportProblem') });
    }

    onStage?.('writeConfiguration');
    await this.setProxy(layout, registration.proxy, registration.proxyPassword, signal);
    if (!sameFolder(registration.cacheFolder, this.host.settings.cacheFolder)) await this.moveCache(this.host.settings.cacheFolder, registration.cacheFolder, signal);
    const passphrase = registration.passphrase && (await this.setPassphrase(layout, registration.passphrase, credentials.vaultName, undefined, signal));

    const now = new Date().toISOString();
    const config: AgentConfig = {
      formatVersion: 1,
      machineId: registration.machineId ?? randomUUID(),
      serverName: registration.serverName,
      agentVersion: answer.moduleVersion ?? null,
      installFolder: layout.installFolder,
      cacheFolder: registration.cacheFolder,
      proxy: registration.proxy,
      vault: {
        name: credentials.vaultName,
        subscriptionId: credentials.subscriptionId,
        resourceGroup: credentials.resourceGroup,
        location: credentials.location,
        resourceId: credentials.resourceId,
        endpoint: credentials.endpoint,
      },
      registration: { id: answer.certThumbprint, registeredAt: now },
      passphrase: passphrase ?? null,
      updatedAt: now,
    };
    await writeAgentConfig(this.target, layout, config);
    return { registrationId: answer.certThumbprint, machineId: config.machineId, created: true, agentVersion: answer.moduleVersion ?? '' };
  }

  /**
   * MARS does not tell its registration: the vault does, through Azure Resource Manager (the
   * host's readAtVault), for the server this setup's configuration on it names. A server the vault
   * lists no more reads as unregistered there (the status: revoked).
   */
  async readRegistration(layout: AgentLayout, _vault?: unknown, signal?: AbortSignal): Promise<RemoteRegistration> {
    const config = await this.requireConfig(layout);
    if (!config.vault || !config.registration) {
      throw new SetupError(MarsCode.RegistrationAtVaultOnly, 'The MARS agent cannot report its registration; the vault shows it (the Servers view, or the vault in the Azure portal).', {
        ...nextStep('reportProblem'),
      });
    }
    const { subscriptionId, resourceGroup, name } = config.vault;
    const listed = await this.host.readAtVault({ subscriptionId, resourceGroup, vault: name, serverName: config.serverName }, signal);
    const registered = listed !== undefined && (listed.registrationStatus === undefined || /^registered$/i.test(listed.registrationStatus));
    return {
      registrationId: config.registration.id,
      vault: name,
      machineId: config.machineId,
      serverName: config.serverName,
      status: registered ? 'registered' : 'unregistered',
      registeredAt: config.registration.registeredAt,
      updatedAt: new Date().toISOString(),
      lastPassphraseChangeAt: config.passphrase?.setAt ?? null,
      // MARS's certificate is its own and not reported: no date is made up for it.
      certificateNotAfter: '',
    };
  }

  async change(layout: AgentLayout, change: AgentChange, _vault: unknown, options: StagedOptions = {}) {
    const { signal, onStage } = options;
    const config = await this.requireConfig(layout);
    const next: AgentConfig = { ...config };
    if (change.cacheFolder && !sameFolder(change.cacheFolder, config.cacheFolder)) {
      onStage?.('checkCache');
      await this.moveCache(config.cacheFolder, change.cacheFolder, signal);
      next.cacheFolder = change.cacheFolder;
    }
    if (change.proxy) {
      await this.setProxy(layout, change.proxy.proxy, change.proxy.password, signal);
      next.proxy = change.proxy.proxy;
    }
    if (change.passphrase) {
      onStage?.('changePassphrase');
      next.passphrase = await this.setPassphrase(layout, change.passphrase.newValue, config.vault?.name ?? '', change.passphrase.securityPin, signal);
    }
    onStage?.('writeConfiguration');
    next.updatedAt = new Date().toISOString();
    await writeAgentConfig(this.target, layout, next);
    return publicConfig(next);
  }

  async unregister(layout: AgentLayout, _vault: unknown, options: StagedOptions = {}): Promise<AgentUnregistered> {
    const { signal, onStage } = options;
    const config = await readAgentConfig(this.target, layout);
    if (!config) return { alreadyUnregistered: true };
    onStage?.('unregisterAtVault');
    // A configuration that names no vault has nothing registered to remove there: only the server's side is cleared.
    if (config.vault) {
      const { subscriptionId, resourceGroup, name } = config.vault;
      await this.host.removeAtVault({ subscriptionId, resourceGroup, vault: name, serverName: config.serverName }, signal);
    }
    if (this.host.settings.uninstallOnUnregister) {
      await runMarsScript(this.runner, uninstallScript(this.installer), { what: 'uninstall the MARS agent', signal, timeoutMs: INSTALL_TIMEOUT_MS });
    }
    onStage?.('writeConfiguration');
    await this.target.remove(layout.configFile);
    const now = new Date().toISOString();
    return {
      alreadyUnregistered: false,
      registrationId: config.machineId,
      remote: {
        registrationId: config.machineId,
        vault: config.vault?.name ?? '',
        machineId: config.machineId,
        serverName: config.serverName,
        status: 'unregistered',
        registeredAt: config.updatedAt,
        updatedAt: now,
        lastPassphraseChangeAt: config.passphrase?.setAt ?? null,
        // MARS's certificate is its own and not reported: no date is made up for it.
        certificateNotAfter: '',
      },
    };
  }

  /** Registers, trying a transient failure again (./run.ts); the run's folder is removed even when the script could not. */
  private async registerOnce(layout: AgentLayout, folder: RegistrationFolder, credentials: Secret, signal?: AbortSignal): Promise<unknown> {
    try {
      return await runMarsScript(this.runner, registerScript(layout.installFolder, folder), {
        what: 'register with the vault',
        secrets: { credentials },
        signal,
        timeoutMs: REGISTER_TIMEOUT_MS,
      });
    } catch (err) {
      await runMarsScript(this.runner, removeRegistrationFolderScript(folder), { what: 'remove the copied credentials file', timeoutMs: CALL_TIMEOUT_MS }).catch((cleanup: Error) =>
        this.host.logger.warn(`Could not remove the copied credentials folder ${folder.folderName} on ${this.target.label}: ${cleanup.message}`),
      );
      throw err;
    }
  }

  private async setProxy(layout: AgentLayout, proxy: AgentProxy, password: Secret | undefined, signal?: AbortSignal): Promise<void> {
    const mars = marsProxyOf(proxy, password !== undefined);
    await runMarsScript(this.runner, proxyScript(layout.installFolder, mars), {
      what: 'set the proxy',
      secrets: mars.kind === 'proxy' && mars.password && password ? { proxyPassword: password } : {},
      signal,
      timeoutMs: CALL_TIMEOUT_MS,
    });
  }

  /** Sets the passphrase with the vault's PIN (asked of the admin when not given); its verifier for the configuration. */
  private async setPassphrase(layout: AgentLayout, passphrase: Secret, vaultName: string, pin: Secret | undefined, signal?: AbortSignal) {
    const securityPin = pin ?? (await this.host.askSecurityPin(securityPinPrompt(vaultName), signal));
    if (!securityPin) {
      throw new SetupError(MarsCode.SecurityPinMissing, `Setting the passphrase needs a security PIN from vault ${vaultName}.`, { vault: vaultName, ...nextStep('generateNewSecurityPin') });
    }
    await runMarsScript(this.runner, passphraseScript(layout.installFolder, { securityPin: true }), {
      what: 'set the encryption passphrase',
      secrets: { passphrase, securityPin },
      signal,
      timeoutMs: CALL_TIMEOUT_MS,
    });
    return { verifier: await createPassphraseVerifier(passphrase.reveal()), setAt: new Date().toISOString() };
  }

  private async moveCache(from: string, to: string, signal?: AbortSignal): Promise<void> {
    await runMarsScript(this.runner, moveCacheScript(from, to), { what: 'move the cache folder', signal, timeoutMs: INSTALL_TIMEOUT_MS });
  }

  private async moduleVersion(layout: AgentLayout, signal?: AbortSignal): Promise<string | undefined> {
    const data = (await runMarsScript(this.runner, moduleVersionScript(layout.installFolder), { what: 'look for the MARS agent', signal, timeoutMs: CALL_TIMEOUT_MS })) as { version?: unknown } | null;
    return typeof data?.version === 'string' && data.version !== '' ? data.version : undefined;
  }

  private async requireConfig(layout: AgentLayout): Promise<AgentConfig> {
    const config = await readAgentConfig(this.target, layout);
    if (!config) throw new SetupError(AgentCode.NotConfigured, `The MARS agent on ${this.target.label} was not set up by this extension (no configuration at ${layout.configFile}).`, { ...nextStep('register') });
    return config;
  }
}

function waitFor(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}
