/**
 * How this side reaches a vault endpoint: the effective proxy (resolveProxy, the one place it is
 * decided), the TLS trust (the CAs trusted for that endpoint, see trust/endpoint.ts), and the
 * clients built on both. The connectivity check, the agent download and the registration API all
 * go the same way, so a check that passes speaks for the calls that follow.
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
import { trustedCasFor, type TrustedCertificate } from '../trust/endpoint';
import { withPresentedCertificate } from '../trust/presented';

export interface VaultAccessOptions {
  logger: Logger;
  proxyContext?: ProxyContext;
  /** CAs trusted per endpoint; an endpoint without one uses the system's store. */
  trust?: readonly TrustedCertificate[];
  network?: VaultNetworkOptions;
}

export interface VaultRoute {
  endpoint: string;
  proxy: ProxyResolution;
  /** The CAs trusted for this endpoint instead of the system's store, when there are any. */
  trusted?: string[];
  /** The CA the vault returned at registration, once known. */
  vaultCa?: string;
}

/** A vault endpoint and the CAs trusted for it: what a call from the server needs of this side's trust. */
export type VaultEndpoint = Pick<VaultRoute, 'endpoint' | 'trusted'>;

/** A check's report and, when it failed, why, as the SetupError the setup would refuse with. */
export type WithProblem<T> = T & { problem?: SetupError };

export class VaultAccess {
  constructor(private readonly options: VaultAccessOptions) {}

  /** The way to `endpoint`; refused when a CA file trusted for it cannot be read. */
  async route(settings: ProxySettings, endpoint: string, vaultCa?: string): Promise<VaultRoute> {
    return { ...(await this.endpoint(endpoint)), proxy: resolveProxy(settings, endpoint, this.options.proxyContext), vaultCa };
  }

  /** The endpoint with the CAs trusted for it; refused when a CA file trusted for it cannot be read. */
  async endpoint(endpoint: string): Promise<VaultEndpoint> {
    const trusted = await trustedCasFor(this.options.trust ?? [], endpoint);
    return { endpoint, ...(trusted ? { trusted } : {}) };
  }

  client(route: VaultRoute): VaultClient {
    const { logger, network } = this.options;
    return new VaultClient({ ...network, endpoint: route.endpoint, proxy: route.proxy, ca: route.trusted, vaultCa: route.vaultCa, logger });
  }

  /** TLS towards the vault without a client certificate (health, agent download). */
  tls(route: VaultRoute): TlsOptions {
    return { ca: trustedCas(route.trusted, route.vaultCa), rejectUnauthorized: route.proxy.strictSSL };
  }

  /** A dispatcher for the agent download; the caller destroys it. */
  downloadDispatcher(route: VaultRoute): ReturnType<typeof createDispatcher> {
    return createDispatcher({ proxy: route.proxy.proxy, tls: this.tls(route), timeouts: this.options.network?.timeouts });
  }

  /** The per-stage report, with its first failed stage as an actionable `problem`. */
  async checkConnectivity(route: VaultRoute, signal?: AbortSignal): Promise<WithProblem<ConnectivityReport>> {
    const report = await checkConnectivity(route.endpoint, { proxy: route.proxy, tls: this.tls(route), signal, timeoutMs: this.options.network?.requestTimeoutMs });
    const problem = connectivityError(report, route);
    return problem ? { ...report, problem: await this.explain(problem, route, signal) } : report;
  }

  /** A failure on `route` with its next step, and an untrusted certificate named (issuer, SHA-256). */
  async explain<E>(err: E, route: VaultRoute, signal?: AbortSignal): Promise<E | SetupError> {
    const named = await withPresentedCertificate(err, route.endpoint, { proxy: route.proxy.proxy, signal });
    return withNextStep(named) as E | SetupError;
  }
}

/** The first failed stage of a report as an actionable SetupError; undefined when the check passed. */
function connectivityError(report: ConnectivityReport, route: VaultRoute): SetupError | undefined {
  const failed = report.stages.find((s) => s.status === 'failed');
  if (!failed) return undefined;
  const url = new URL(route.endpoint);
  // A bare host: an IPv6 address without its URL brackets.
  const target = { ...hostAndPort(url), proxy: route.proxy.proxy };
  const params: ErrorParams = { ...failed.params, stage: failed.stage };
  return isNetworkCode(failed.code)
    ? networkError({ code: failed.code, params }, target)
    : new SetupError(failed.code, `The vault at ${url.host} failed the connectivity check at the ${failed.stage} stage (${failed.code}).`, {
        host: target.host,
        port: target.port,
        ...params,
      });
}

export function isNetworkCode(code: string): code is NetworkCode {
  return (Object.values(NetworkCode) as string[]).includes(code);
}
