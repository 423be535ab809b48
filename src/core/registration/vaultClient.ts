/**
 * The vault's registration API over mutual TLS. Registering presents the credentials file's
 * certificate; every later call presents the machine certificate the vault issued. Each call
 * goes through a dispatcher of its own (its own client certificate) on the effective proxy,
 * retries 5xx answers and resets with bounded backoff (withRetry), never a 4xx, and fails with
 * an actionable SetupError (errors.ts).
 */
import { rootCertificates } from 'node:tls';
import type * as z from 'zod';
import type { ClientCertificate } from '../credentials/model';
import { SetupError } from '../errors';
import { createDispatcher, type Timeouts } from '../http/dispatcher';
import { requestJson, type JsonResponse } from '../http/request';
import { withRetry, type RetryOptions } from '../http/retry';
import type { Logger } from '../log';
import type { ProxyResolution } from '../proxy/resolve';
import type { Secret } from '../secret';
import { withPresentedCertificate } from '../trust/presented';
import { withNextStep } from './errors';
import {
  SECURITY_PIN,
  registrationGrantSchema,
  registrationViewSchema,
  type RegistrationGrant,
  type RegistrationRequest,
  type RemoteRegistration,
} from './vaultApi';

export interface VaultNetworkOptions {
  /** The whole exchange of one attempt. */
  requestTimeoutMs?: number;
  timeouts?: Partial<Timeouts>;
  retry?: Pick<RetryOptions, 'retries' | 'baseDelayMs' | 'maxDelayMs'>;
}

export interface VaultClientOptions extends VaultNetworkOptions {
  /** The credentials file's IdMgmtRestEndpoint. */
  endpoint: string;
  /** From resolveProxy for the endpoint. */
  proxy: ProxyResolution;
  /** CA certificates trusted for this endpoint instead of the system's (see trust/endpoint.ts), as curl's --cacert. */
  ca?: readonly string[];
  /** The CA the vault returned at registration: trusted in addition to the above. */
  vaultCa?: string;
  logger: Logger;
}

export class VaultClient {
  constructor(private readonly options: VaultClientOptions) {}

  /** POST /v1/registrations with the credentials certificate. The same machine id gets the same registration. */
  async register(credentials: ClientCertificate, request: RegistrationRequest, signal?: AbortSignal): Promise<RegistrationGrant & { created: boolean }> {
    const { status, data } = await this.call(credentials, 'POST', 'v1/registrations', registrationGrantSchema, { body: request, signal });
    return { ...data, created: status === 201 };
  }

  getRegistration(machine: ClientCertificate, registrationId: string, signal?: AbortSignal): Promise<RemoteRegistration> {
    return this.data(machine, 'GET', registrationPath(registrationId), { signal });
  }

  /** DELETE /v1/registrations/{id}: idempotent at the vault. */
  unregister(machine: ClientCertificate, registrationId: string, signal?: AbortSignal): Promise<RemoteRegistration> {
    return this.data(machine, 'DELETE', registrationPath(registrationId), { signal });
  }

  /** Records a passphrase change, spending the vault's security PIN (the PIN is never logged). */
  async changePassphrase(machine: ClientCertificate, registrationId: string, securityPin: Secret, signal?: AbortSignal): Promise<RemoteRegistration> {
    if (!SECURITY_PIN.test(securityPin.reveal())) {
      throw withNextStep(new SetupError('SecurityPinInvalid', 'A security PIN is 8 digits.', { reason: 'format' }));
    }
    return this.data(machine, 'POST', `${registrationPath(registrationId)}/passphrase-change`, { body: { securityPin: securityPin.reveal() }, signal });
  }

  private async data(identity: ClientCertificate, method: 'GET' | 'POST' | 'DELETE', path: string, init: { body?: unknown; signal?: AbortSignal }): Promise<RemoteRegistration> {
    return (await this.call(identity, method, path, registrationViewSchema, init)).data;
  }

  private async call<T>(
    identity: ClientCertificate,
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    schema: z.ZodType<T>,
    { body, signal }: { body?: unknown; signal?: AbortSignal },
  ): Promise<JsonResponse<T>> {
    const { proxy, logger, requestTimeoutMs, timeouts, retry } = this.options;
    const url = new URL(path, `${this.options.endpoint.replace(/\/+$/, '')}/`);
    const dispatcher = await createDispatcher({
      proxy: proxy.proxy,
      tls: { ca: trustedCas(this.options.ca, this.options.vaultCa), cert: identity.certPem, key: identity.keyPem, rejectUnauthorized: proxy.strictSSL },
      timeouts,
    });
    try {
      return await withRetry(() => requestJson(dispatcher, url, { method, body, schema, signal, timeoutMs: requestTimeoutMs }), {
        ...retry,
        signal,
        onRetry: ({ attempt, delayMs, error }) =>
          logger.warn(`${method} ${url.pathname} failed (${error instanceof SetupError ? error.code : 'error'}); attempt ${attempt + 1} in ${delayMs} ms.`),
      });
    } catch (err) {
      throw withNextStep(await withPresentedCertificate(err, this.options.endpoint, { proxy: proxy.proxy, signal }));
    } finally {
      await dispatcher.destroy();
    }
  }
}

function registrationPath(registrationId: string): string {
  return `v1/registrations/${encodeURIComponent(registrationId)}`;
}

/**
 * The CAs for a vault connection: the pinned ones when given (node's default, the system store,
 * otherwise), plus the vault's own CA once known. Pinning replaces the system store rather than
 * adding to it because a CA list makes node parse every certificate in it for each connection,
 * some 20 ms for the whole system store.
 */
export function trustedCas(pinned: readonly string[] | undefined, vaultCa?: string): string[] | undefined {
  const learned = vaultCa ? [vaultCa] : [];
  if (pinned && pinned.length > 0) return [...pinned, ...learned];
  return learned.length > 0 ? [...rootCertificates, ...learned] : undefined;
}
