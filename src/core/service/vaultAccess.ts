/**
 * How this side reaches a vault endpoint: the effective proxy (resolveProxy, the one place it is
 * decided), the TLS trust, and the clients built on both. The connectivity check, the agent
 * download and the registration API all go the same way, so a check that passes speaks for the
 * calls that follow.
 */
import { checkConnectivity, type ConnectivityReport } from '../connectivity/check';
import { SetupError, type ErrorParams } from '../errors';
import { createDispatcher, type TlsOptions } from '../http/dispatcher';
import { NetworkCode, networkError } from '../http/networkErrors';
import type { Logger } from '../log';
import { hostAndPort } from '../proxy/noProxy';
import { resolveProxy, type ProxyContext, type ProxyResolution } from '../proxy/resolve';
import type { ProxySettings } from '../proxy/settings';
import { withNextStep } from '../registration/errors';
import { VaultClient, trustedCas, type VaultNetworkOptions } from '../registration/vaultClient';

export interface VaultAccessOptions {
  logger: Logger;
  proxyContext?: ProxyContext;
  trust?: { ca?: string };
  network?: VaultNetworkOptions;
}

export interface VaultRoute {
  endpoint: string;
  proxy: ProxyResolution;
  /** The CA the vault returned at registration, once known. */
  vaultCa?: string;
}

export class VaultAccess {
  constructor(private readonly options: VaultAccessOptions) {}

  route(settings: ProxySettings, endpoint: string, vaultCa?: string): VaultRoute {
    return { endpoint, proxy: resolveProxy(settings, endpoint, this.options.proxyContext), vaultCa };
  }

  client(route: VaultRoute): VaultClient {
    const { logger, network } = this.options;
    return new VaultClient({ ...network, endpoint: route.endpoint, proxy: route.proxy, ca: this.pinned(), vaultCa: route.vaultCa, logger });
  }

  /** TLS towards the vault without a client certificate (health, agent download). */
  tls(route: VaultRoute): TlsOptions {
    return { ca: trustedCas(this.pinned(), route.vaultCa), rejectUnauthorized: route.proxy.strictSSL };
  }

  /** A dispatcher for the agent download; the caller destroys it. */
  downloadDispatcher(route: VaultRoute) {
    return createDispatcher({ proxy: route.proxy.proxy, tls: this.tls(route), timeouts: this.options.network?.timeouts });
  }

  checkConnectivity(route: VaultRoute, signal?: AbortSignal): Promise<ConnectivityReport> {
    return checkConnectivity(route.endpoint, { proxy: route.proxy, tls: this.tls(route), signal, timeoutMs: this.options.network?.requestTimeoutMs });
  }

  private pinned(): string[] | undefined {
    return this.options.trust?.ca ? [this.options.trust.ca] : undefined;
  }
}

/** The first failed stage of a report as an actionable SetupError; undefined when the check passed. */
export function connectivityError(report: ConnectivityReport, route: VaultRoute): SetupError | undefined {
  const failed = report.stages.find((s) => s.status === 'failed');
  if (!failed) return undefined;
  const url = new URL(route.endpoint);
  // A bare host: an IPv6 address without its URL brackets.
  const target = { ...hostAndPort(url), proxy: route.proxy.proxy };
  const params: ErrorParams = { ...failed.params, stage: failed.stage };
  const err = isNetworkCode(failed.code)
    ? networkError({ code: failed.code, params }, target)
    : new SetupError(failed.code, `The vault at ${url.host} failed the connectivity check at the ${failed.stage} stage (${failed.code}).`, {
        host: target.host,
        port: target.port,
        ...params,
      });
  return withNextStep(err);
}

export function isNetworkCode(code: string): code is NetworkCode {
  return (Object.values(NetworkCode) as string[]).includes(code);
}
