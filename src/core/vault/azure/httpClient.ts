/**
 * The HttpClient the Azure SDK clients send through (@azure/core-rest-pipeline's interface), on
 * the project's own network stack: undici with the proxy resolveProxy decides for the endpoint
 * and the CAs trusted for that endpoint only (a local vault's CA is trusted for the emulator, never
 * for Azure), and the project's typed network errors. It sends to one Resource Manager origin and
 * refuses any other URL, so the bearer token the pipeline adds never leaves that host, not even
 * through a `nextLink` pointing elsewhere.
 */
import { createHttpHeaders, type HttpClient, type PipelineRequest, type PipelineResponse } from '@azure/core-rest-pipeline';
import { request, type Dispatcher } from '../../http/undici';
import { CancelledError, SetupError } from '../../errors';
import { createDispatcher, type Timeouts } from '../../http/dispatcher';
import { diagnoseSocketError, networkError, networkTarget } from '../../http/networkErrors';
import { readCapped } from '../../http/request';
import type { Logger } from '../../log';
import { nextStep } from '../../nextActions';
import { resolveProxy, type ProxyContext } from '../../proxy/resolve';
import type { ProxySettings } from '../../proxy/settings';
import { trustedCasFor, type TrustedCertificate } from '../../trust/endpoint';
import type { ArmEndpoint } from './endpoint';

export interface ArmNetwork {
  logger: Logger;
  proxy: ProxySettings;
  proxyContext?: ProxyContext;
  /** CAs trusted per endpoint ("host:port"); Azure's own endpoints keep the system's store. */
  trust?: readonly TrustedCertificate[];
  timeouts?: Partial<Timeouts>;
}

/** ARM answers are small (a page of vaults or containers): anything past this is refused. */
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

export interface ClosableHttpClient extends HttpClient {
  close(): Promise<void>;
}

export function armHttpClient(endpoint: ArmEndpoint, network: ArmNetwork): ClosableHttpClient {
  const origin = new URL(endpoint.url).origin;
  let dispatcher: Promise<Dispatcher> | undefined;
  const dispatcherFor = async (url: URL): Promise<Dispatcher> => {
    const { proxy, strictSSL } = resolveProxy(network.proxy, url, network.proxyContext);
    const ca = await trustedCasFor(network.trust ?? [], url.href);
    return createDispatcher({ proxy, tls: { ca, rejectUnauthorized: strictSSL }, timeouts: network.timeouts });
  };
  return {
    async sendRequest(req: PipelineRequest): Promise<PipelineResponse> {
      const url = new URL(req.url);
      if (url.origin !== origin) {
        throw new SetupError('AzureOffEndpointRequest', `A Resource Manager call would go to ${url.host} instead of ${new URL(origin).host}; it is not sent, so the token stays with the host it is for.`, {
          host: url.host,
          endpoint: new URL(origin).host,
          ...nextStep('reportProblem'),
        });
      }
      const signal = req.abortSignal as AbortSignal | undefined;
      if (signal?.aborted) throw new CancelledError();
      const d = await (dispatcher ??= dispatcherFor(url));
      try {
        const response = await request(d, url, { method: req.method, headers: req.headers.toJSON(), body: bodyOf(req), signal });
        const bodyAsText = await readCapped(response, MAX_RESPONSE_BYTES, url);
        network.logger.debug(`ARM ${req.method} ${url.host}${url.pathname} ${response.statusCode}`);
        return { request: req, status: response.statusCode, headers: createHttpHeaders(flatHeaders(response.headers)), bodyAsText };
      } catch (err) {
        if (signal?.aborted) throw new CancelledError();
        if (err instanceof SetupError) throw err;
        const target = networkTarget(url, d);
        // Through a proxy, a refused or unresolvable host is the proxy's.
        throw networkError(diagnoseSocketError(err, target.proxy !== undefined), target, err);
      }
    },
    async close() {
      await (await dispatcher)?.close();
    },
  };
}

/** The bodies the generated clients send: JSON text (or none). */
function bodyOf(req: PipelineRequest): string | Buffer | undefined {
  const { body } = req;
  if (body === undefined || body === null || typeof body === 'string' || Buffer.isBuffer(body)) return body ?? undefined;
  throw new TypeError(`unsupported ARM request body (${typeof body})`);
}

function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).flatMap(([k, v]) => (v === undefined ? [] : [[k, Array.isArray(v) ? v.join(', ') : v]])));
}
