/**
 * The local vault's registration and admin APIs over loopback (src/vault/http): real request
 * bodies (a registration with a real CSR, a vault, a backup, a PIN) and real paths, each sent
 * with the identity it needs, then mutated in body, path, method, headers and identity.
 */
import { randomUUID } from 'node:crypto';
import { backupSchema, createVaultSchema } from '../../src/vault/admin';
import { createVaultWithCredentials, credentialsPfx, machineKey, registerMachine, registrationBody, vaultClient } from '../../test/support/vault';
import { HTTP_CONCURRENCY, bounded, headerValue, mutateAuthorization, mutateHeaders, mutatePath, startFuzzVault, type HttpInput, type Identity } from '../lib/http';
import type { Target } from '../lib/loop';
import { COMMON_WORDS, mutateJsonBody } from '../lib/mutate';
import type { Rand } from '../lib/random';

const JSON_TYPE = { 'content-type': 'application/json' };
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'];
const POOL = Array.from({ length: 16 }, (_, i) => `fz-pool-${i}`);
const ITEMS = Array.from({ length: 16 }, (_, i) => `C:\\data\\${i}`);

interface Request extends HttpInput {
  json?: unknown;
}

export const vaultTarget: Target<HttpInput> = {
  name: 'vault',
  async open() {
    const fv = await startFuzzVault();
    // The registration vault's file certificate registers; a registered machine calls the rest.
    // The admin calls work on another vault, so that a new file issued there supersedes nothing here.
    const { file } = await createVaultWithCredentials(fv.vault, 'fz-reg');
    await fv.vault.admin.createVault({ name: 'fz-admin' });
    fv.identities.credentials = { pfx: credentialsPfx(file.xml) };
    const credentialsClient = vaultClient(fv.vault, fv.identities.credentials);
    const machine = await registerMachine(credentialsClient);
    await credentialsClient.close();
    fv.identities.machine = { certPem: machine.response.json.machineCertificate, keyPem: (await machineKey()).privateKeyPem };
    const register = await registrationBody({ machineId: randomUUID() });
    const admin = { ...JSON_TYPE, authorization: `Bearer ${fv.adminToken}` };
    const reg = `/v1/registrations/${machine.registrationId}`;
    const seeds: Array<(r: Rand) => Request> = [
      () => ({ listener: 'api', identity: 'credentials', method: 'POST', path: '/v1/registrations', headers: JSON_TYPE, json: register }),
      () => ({ listener: 'api', identity: 'machine', method: 'GET', path: reg, headers: {} }),
      (r) => ({ listener: 'api', identity: 'machine', method: 'POST', path: `${reg}/passphrase-change`, headers: JSON_TYPE, json: { securityPin: String(r.int(1e8)).padStart(8, '0') } }),
      () => ({ listener: 'admin', identity: 'none', method: 'GET', path: '/admin/v1/status', headers: admin }),
      () => ({ listener: 'admin', identity: 'none', method: 'GET', path: '/admin/v1/vaults', headers: admin }),
      (r) => ({ listener: 'admin', identity: 'none', method: 'POST', path: '/admin/v1/vaults', headers: admin, json: { name: r.pick(POOL), location: 'westeurope', resourceGroup: 'rg-1', subscriptionId: randomUUID() } }),
      () => ({ listener: 'admin', identity: 'none', method: 'POST', path: '/admin/v1/vaults/fz-admin/security-pin', headers: admin }),
      () => ({ listener: 'admin', identity: 'none', method: 'GET', path: '/admin/v1/vaults/fz-reg/registrations', headers: admin }),
      (r) => ({ listener: 'admin', identity: 'none', method: 'POST', path: `/admin/v1/registrations/${machine.registrationId}/backups`, headers: admin, json: { item: r.pick(ITEMS) } }),
    ];
    // Issuing a file makes an RSA key and a PKCS#12 (about a second on a busy machine) whatever
    // the input: a few hundred of those cover its one field.
    const issue = (): Request => ({ listener: 'admin', identity: 'none', method: 'POST', path: '/admin/v1/vaults/fz-admin/credentials', headers: admin, json: { validHours: 48 } });
    return {
      concurrency: HTTP_CONCURRENCY,
      generate(r) {
        const input = mutateRequest(r.chance(0.01) ? issue() : r.pick(seeds)(r), r);
        // Unregistered, the machine would only meet RegistrationNotActive for the rest of the run:
        // a DELETE of its registration goes with another identity, to be refused.
        if (input.method === 'DELETE' && input.identity === 'machine') input.identity = 'credentials';
        return input;
      },
      run: (input) => fv.send(input),
      after: () => fv.after(),
      close: () => fv.close(),
    };
  },
};

/** One or more of: the body, the path, the method, the headers, the identity. */
function mutateRequest({ json, ...request }: Request, r: Rand): HttpInput {
  let body: Buffer | undefined = json === undefined ? undefined : Buffer.from(JSON.stringify(json));
  const what = r.int(10);
  if (what < 5 && json !== undefined) body = mutateJsonBody(json, r, (v) => keepStateSmall(v, r));
  else if (what < 7) request.path = mutatePath(request.path, r, [...COMMON_WORDS, '/', '//', '..', '%2e%2e', 'fz-reg', 'fz-admin']);
  else if (what < 8) request.method = r.pick(METHODS);
  else if (what < 9) request.headers = mutateHeaders(request.headers, r);
  else request.identity = r.pick<Identity>(['credentials', 'machine', 'none']);
  if (request.headers.authorization && r.chance(0.1)) {
    const authorization = mutateAuthorization(request.headers.authorization.slice('Bearer '.length), r);
    request.headers = { ...request.headers, authorization: authorization ?? '' };
    if (authorization === undefined) delete request.headers.authorization;
  }
  request.headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, headerValue(v)]));
  return { ...request, body };
}

/** A vault name or backup item the mutation left valid is swapped for one of a few: the state stays bounded. */
function keepStateSmall(json: unknown, r: Rand): unknown {
  if (json === null || typeof json !== 'object') return json;
  const value = json as { name?: unknown; item?: unknown };
  if (typeof value.name === 'string') value.name = bounded(value.name, (n) => createVaultSchema.shape.name.safeParse(n).success, POOL, r);
  if (typeof value.item === 'string') value.item = bounded(value.item, (i) => backupSchema.shape.item.safeParse(i).success, ITEMS, r);
  return json;
}
