/**
 * How the agent reaches its vault from the server it runs on: the endpoint (or the address a
 * forward for this run gives it), the proxy resolved here with this server's environment, the
 * CAs the admin trusts for the endpoint and the vault's own CA once registered. The checks and
 * calls are the core's, so the server refuses exactly what the admin would.
 */
import type { AgentConfig } from '../core/config/agentConfig';
import type { AgentLayout } from '../core/config/layout';
import { SetupError } from '../core/errors';
import type { VaultWay } from '../core/agents/reference/protocol';
import { agentLogger } from './log';
import { resolveProxy } from '../core/proxy/resolve';
import type { ProxySettings } from '../core/proxy/settings';
import { nextStep } from '../core/registration/errors';
import { readMachineCertificate } from '../core/registration/machineCertificate';
import type { VaultClient } from '../core/registration/vaultClient';
import { proxySettingsFromConfig } from '../core/service/agentProxy';
import { VaultAccess, type VaultRoute, type WithProblem } from '../core/service/vaultAccess';
import type { ConnectivityReport } from '../core/connectivity/check';
import type { Target } from '../core/target/target';
import type { ClientCertificate } from '../core/credentials/model';

/** Beyond this, certificates made "now" by one side look not yet valid, or expired, to the other. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/** The core's vault access with the setup's time-outs and retries. */
export function accessFor(way: VaultWay): VaultAccess {
  return new VaultAccess({ logger: agentLogger, ...(way.network ? { network: way.network } : {}) });
}

/** The route to `endpoint` from this server: through `way.connectTo` when the admin forwarded one. */
export function vaultRoute(endpoint: string, settings: ProxySettings, way: VaultWay, vaultCa?: string): VaultRoute {
  const url = new URL(endpoint);
  if (way.connectTo) {
    url.hostname = way.connectTo.host;
    url.port = String(way.connectTo.port);
  }
  const effective = url.href;
  return { endpoint: effective, proxy: resolveProxy(settings, effective, { env: process.env }), ...(way.trustedCas?.length ? { trusted: way.trustedCas } : {}), vaultCa };
}

/**
 * Connectivity from this server (DNS, TCP, proxy, TLS, health), then its clock against the
 * vault's: a skew past MAX_CLOCK_SKEW_MS is the problem even when every stage passed.
 */
export async function checkHere(access: VaultAccess, route: VaultRoute, now: () => Date, signal?: AbortSignal): Promise<WithProblem<ConnectivityReport>> {
  const report = await access.checkConnectivity(route, signal);
  if (report.problem) return report;
  const skew = report.stages.find((s) => s.stage === 'health')?.params.clockSkewMs;
  if (typeof skew !== 'number' || Math.abs(skew) <= MAX_CLOCK_SKEW_MS) return report;
  const minutes = Math.round(Math.abs(skew) / 60_000);
  const problem = new SetupError(
    'ServerClockSkew',
    `This server's clock is ${minutes} minutes ${skew > 0 ? 'behind' : 'ahead of'} the vault's (at most ${MAX_CLOCK_SKEW_MS / 60_000} are allowed): certificates would look ${skew > 0 ? 'not yet valid' : 'expired'}. Set its date, time and time zone, or synchronise it (NTP), then try again.`,
    { minutes, direction: skew > 0 ? 'behind' : 'ahead', maxMinutes: MAX_CLOCK_SKEW_MS / 60_000, serverTime: now().toISOString(), ...nextStep('checkClock') },
  );
  return { ...report, problem };
}

/** checkHere, refused before anything is registered or changed. */
export async function checkFromServer(access: VaultAccess, route: VaultRoute, now: () => Date, signal?: AbortSignal): Promise<void> {
  const { problem } = await checkHere(access, route, now, signal);
  if (problem) throw problem;
}

/** A registered install's way back to its vault, with the machine certificate as its identity. */
export interface RegisteredWay {
  registrationId: string;
  vaultName: string;
  identity: ClientCertificate;
  route: VaultRoute;
  access: VaultAccess;
  client: VaultClient;
}

/** `settings` overrides the configured proxy (a change being made). */
export async function registeredWay(target: Target, layout: AgentLayout, config: AgentConfig, way: VaultWay, settings?: ProxySettings): Promise<RegisteredWay> {
  if (!config.registration || !config.vault) {
    throw new SetupError('AgentNotRegistered', `This server is not registered with a vault (${layout.installFolder}).`, {
      installFolder: layout.installFolder,
      ...nextStep('register'),
    });
  }
  const stored = await readMachineCertificate(target, layout);
  const route = vaultRoute(config.vault.endpoint, settings ?? (await proxySettingsFromConfig(target, config.proxy)), way, stored.vaultCaPem);
  const access = accessFor(way);
  return { registrationId: config.registration.id, vaultName: config.vault.name, identity: stored.identity, route, access, client: access.client(route) };
}
