/**
 * A per-stage connectivity report for the vault endpoint, like `azcmagent check`: resolve,
 * connect, open the proxy tunnel, shake hands, ask for health. Each stage is timed and, when it
 * fails, diagnosed with the same codes the HTTP stack uses; the stages after it are skipped.
 */
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { ErrorCode } from '../errorCatalogue';
import { CancelledError, SetupError, throwIfAborted, type ErrorParams } from '../errors';
import type { TlsOptions } from '../http/dispatcher';
import { NetworkCode, diagnoseProxyStatus, diagnoseSocketError } from '../http/networkErrors';
import { hostAndPort } from '../proxy/noProxy';
import { describeProxy, type ProxyResolution } from '../proxy/resolve';
import { requestTunnel } from './proxyTunnel';
import { connectTcp, fetchHealth, handshake, resolveHost, type Found, type Health } from './stages';

export const STAGES = ['dns', 'tcp', 'proxyConnect', 'tls', 'health'] as const;
export type StageName = (typeof STAGES)[number];

/** Stage codes of the check's own; other failures carry NetworkCode, HttpCode or the vault's code. */
export const StageCode = {
  DnsResolved: 'DnsResolved',
  TcpConnected: 'TcpConnected',
  ProxyTunnelOpen: 'ProxyTunnelOpen',
  TlsEstablished: 'TlsEstablished',
  VaultHealthy: 'VaultHealthy',
  NotProxied: 'NotProxied',
  SkippedAfterFailure: 'SkippedAfterFailure',
} as const;
export type StageCode = (typeof StageCode)[keyof typeof StageCode];

/** The check's own failure. */
export const ConnectivityCode = {
  /** The health answer arrived but does not say "ok". */
  VaultUnhealthy: 'VaultUnhealthy',
  /** A typed endpoint that is not an https URL (./endpoint.ts). */
  EndpointInvalid: 'VaultEndpointInvalid',
} as const;
export type ConnectivityCode = (typeof ConnectivityCode)[keyof typeof ConnectivityCode];

/** A stage that passed or was skipped has its StageCode; a failed one, the code of its error. */
export type StageResult = { stage: StageName; durationMs: number; params: ErrorParams } & (
  | { status: 'ok' | 'skipped'; code: StageCode }
  | { status: 'failed'; code: ErrorCode }
);
export type FailedStage = Extract<StageResult, { status: 'failed' }>;

export interface ConnectivityReport {
  endpoint: string;
  /** The proxy used, credentials left out. */
  proxy?: string;
  /** The no-proxy entry that made the check go direct. */
  bypassedBy?: string;
  ok: boolean;
  stages: StageResult[];
  /** The parsed health answer, when the last stage got one. */
  health?: Health;
}

export interface ConnectivityOptions {
  /** From resolveProxy for this endpoint; direct when absent. */
  proxy?: ProxyResolution;
  tls: TlsOptions;
  signal?: AbortSignal;
  /** For each stage. */
  timeoutMs?: number;
}

export const DEFAULT_STAGE_TIMEOUT_MS = 10_000;

const TIMEOUT_CODE: Record<StageName, NetworkCode> = {
  dns: NetworkCode.DnsLookupFailed,
  tcp: NetworkCode.ConnectTimeout,
  proxyConnect: NetworkCode.ConnectTimeout,
  tls: NetworkCode.ConnectTimeout,
  health: NetworkCode.ResponseTimeout,
};

/** Raised inside a stage whose outcome is already diagnosed (a proxy's non-200 answer). */
class Diagnosed extends Error {
  constructor(readonly diagnosis: { code: ErrorCode; params: ErrorParams }) {
    super(diagnosis.code);
  }
}

/** Runs the check. Throws only CancelledError; every other failure is in the report. */
export async function checkConnectivity(endpointUrl: string | URL, options: ConnectivityOptions): Promise<ConnectivityReport> {
  const endpoint = new URL(endpointUrl);
  const { signal, timeoutMs = DEFAULT_STAGE_TIMEOUT_MS } = options;
  const proxy = options.proxy?.proxy;
  const { host, port } = hostAndPort(endpoint);
  const stages: StageResult[] = [];
  let failed = false;

  /**
   * Runs one stage unless an earlier one failed. A body therefore only runs when every earlier
   * stage succeeded, which is why the bodies below may rely on the earlier stages' values.
   * `context` names what the stage was reaching, for its failure.
   */
  async function run<T>(
    stage: StageName,
    okCode: StageCode,
    context: ErrorParams,
    body: (signal: AbortSignal) => Promise<Found<T>>,
  ): Promise<T | undefined> {
    if (failed) {
      stages.push({ stage, status: 'skipped', durationMs: 0, code: StageCode.SkippedAfterFailure, params: {} });
      return undefined;
    }
    throwIfAborted(signal);
    const timeout = AbortSignal.timeout(timeoutMs);
    const started = performance.now();
    const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
    try {
      const found = await body(signal ? AbortSignal.any([signal, timeout]) : timeout);
      stages.push({ stage, status: 'ok', durationMs: elapsed(), code: okCode, params: found.params });
      return found.value;
    } catch (err) {
      if (signal?.aborted) throw new CancelledError();
      const diagnosis = diagnose(stage, err, timeout.aborted);
      failed = true;
      stages.push({ stage, status: 'failed', durationMs: elapsed(), code: diagnosis.code, params: { ...context, ...diagnosis.params } });
      return undefined;
    }
  }

  function diagnose(stage: StageName, err: unknown, timedOut: boolean): { code: ErrorCode; params: ErrorParams } {
    if (timedOut) return { code: TIMEOUT_CODE[stage], params: { reason: 'timeout', timeoutMs } };
    if (err instanceof Diagnosed) return err.diagnosis;
    if (err instanceof SetupError) return { code: err.code, params: err.params };
    // Before the tunnel, every connection made is to the proxy when there is one.
    return diagnoseSocketError(err, proxy !== undefined && (stage === 'dns' || stage === 'tcp'));
  }

  const opened: Array<Socket | TLSSocket> = [];
  try {
    const first = proxy ? { host: proxy.host, port: proxy.port } : { host, port };
    const addresses = await run('dns', StageCode.DnsResolved, { host: first.host }, (s) => resolveHost(first.host, s));
    const socket = await run('tcp', StageCode.TcpConnected, first, async (s) => {
      const found = await connectTcp(addresses!, first.port, s);
      opened.push(found.value);
      return found;
    });
    if (proxy) {
      const authority = `${host.includes(':') ? `[${host}]` : host}:${port}`;
      await run('proxyConnect', StageCode.ProxyTunnelOpen, { proxy: describeProxy(proxy), target: authority }, async (s) => {
        const answer = await requestTunnel(socket!, authority, proxy.authorization, s);
        if (answer.status !== 200) {
          const refused = diagnoseProxyStatus(answer.status);
          throw new Diagnosed({ code: refused.code, params: { ...refused.params, reason: answer.reason } });
        }
        return { value: undefined, params: { proxy: describeProxy(proxy), target: authority } };
      });
    } else {
      stages.push({ stage: 'proxyConnect', status: 'skipped', durationMs: 0, code: StageCode.NotProxied, params: {} });
    }
    const secure = await run('tls', StageCode.TlsEstablished, { host, port }, async (s) => {
      const found = await handshake(socket!, host, options.tls, s);
      opened.push(found.value);
      return found;
    });
    const health = await run('health', StageCode.VaultHealthy, { host, port }, async (s) => {
      const found = await fetchHealth(secure!, endpoint, s, timeoutMs);
      if (found.value.status !== 'ok') throw new Diagnosed({ code: ConnectivityCode.VaultUnhealthy, params: found.params });
      return found;
    });
    return {
      endpoint: endpoint.href,
      proxy: proxy && describeProxy(proxy),
      bypassedBy: options.proxy?.bypassedBy,
      ok: !failed,
      stages,
      health,
    };
  } finally {
    // The TLS socket before the one under it: the other order crashes node 20 (SIGSEGV).
    for (const s of opened.reverse()) s.destroy();
  }
}
