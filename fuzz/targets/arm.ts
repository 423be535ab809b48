/**
 * The vault's Azure Resource Manager emulator (src/vault/arm) over loopback: every route with a
 * real request (a vault's certificate upload with a real certificate, the lists and their
 * `nextLink` pages, a server's removal, a security PIN), mutated in the bearer token, the
 * api-version, `$skipToken` and `$filter`, the JSON body, the path and the headers.
 */
import { randomUUID } from 'node:crypto';
import { RECOVERY_SERVICES_API_VERSION as RS, RECOVERY_SERVICES_BACKUP_API_VERSION as BACKUP } from '../../src/core/vault/azure/apiVersions';
import { makeVaultCertificate } from '../../src/core/vault/azure/certificate';
import { createVaultWithCredentials, credentialsPfx, registerMachine, vaultClient } from '../../test/support/vault';
import { HTTP_CONCURRENCY, headerValue, mutateAuthorization, mutateHeaders, mutatePath, startFuzzVault, wirePath, type HttpInput } from '../lib/http';
import type { Target } from '../lib/loop';
import { COMMON_WORDS, mutateJsonBody, mutateText } from '../lib/mutate';
import type { Rand } from '../lib/random';

export const ARM_SUBSCRIPTION = '5f0c2a52-9d0e-4c3b-a1f2-3e4d5c6b7a80';
const GROUP = 'rg-fuzz';
const VAULTS = `/subscriptions/${ARM_SUBSCRIPTION}/resourceGroups/${GROUP}/providers/Microsoft.RecoveryServices/vaults`;
const SKIP_TOKENS = ['0', '10', '-1', '', 'abc', '1e1', '010', '99999999999999999999999', ' 10', '10.0'];
const MAB = "backupManagementType eq 'MAB'";

/** Path and query, with the query given as pairs so that a mutation can drop, repeat or change one. */
interface ArmRequest {
  method: string;
  path: string;
  query: Array<[string, string]>;
  json?: unknown;
}

export const armTarget: Target<HttpInput> = {
  name: 'arm',
  async open() {
    const fv = await startFuzzVault();
    // Enough vaults in one resource group for three pages, and servers with backups to list.
    for (let i = 0; i < 24; i++) await fv.vault.admin.createVault({ name: `fz-page-${i}`, subscriptionId: ARM_SUBSCRIPTION, resourceGroup: GROUP });
    const { file } = await createVaultWithCredentials(fv.vault, 'fz-arm');
    await fv.vault.admin.createVault({ name: 'fz-arm2', subscriptionId: ARM_SUBSCRIPTION, resourceGroup: GROUP });
    const client = vaultClient(fv.vault, { pfx: credentialsPfx(file.xml) });
    for (let i = 0; i < 3; i++) {
      const machine = await registerMachine(client, { serverName: `server-${i}`, machineId: randomUUID() });
      await fv.vault.admin.recordBackup(machine.registrationId, `C:\\data\\${i}`);
    }
    await client.close();
    const certificate = await makeVaultCertificate('fz-arm', ARM_SUBSCRIPTION, new Date());
    const body = JSON.parse(certificate.requestBody) as unknown;
    const auth = { authorization: `Bearer ${fv.armToken}`, 'content-type': 'application/json' };
    const list = (path: string): ArmRequest => ({ method: 'GET', path, query: [['api-version', RS]] });
    const seeds: Array<() => ArmRequest> = [
      () => list(`/subscriptions/${ARM_SUBSCRIPTION}/providers/Microsoft.RecoveryServices/vaults`),
      () => list(VAULTS),
      () => ({ ...list(VAULTS), query: [['api-version', RS], ['$skipToken', '10']] }),
      () => list(`${VAULTS}/fz-arm`),
      () => ({ method: 'PUT', path: `${VAULTS}/fz-arm2/certificates/fz-arm2-cert`, query: [['api-version', RS]], json: body }),
      () => ({ method: 'GET', path: `${VAULTS}/fz-arm/backupProtectionContainers`, query: [['api-version', BACKUP], ['$filter', MAB]] }),
      () => ({ method: 'GET', path: `${VAULTS}/fz-arm/backupProtectedItems`, query: [['api-version', BACKUP], ['$filter', MAB]] }),
      () => ({ method: 'POST', path: `${VAULTS}/fz-arm/backupSecurityPIN`, query: [['api-version', BACKUP]] }),
    ];
    // Removing a server changes what the lists show; a few removals cover the route.
    const remove = (): ArmRequest => ({ method: 'DELETE', path: `${VAULTS}/fz-arm/registeredIdentities/server-0`, query: [['api-version', RS]] });
    return {
      concurrency: HTTP_CONCURRENCY,
      generate(r) {
        const request = r.chance(0.005) ? remove() : r.pick(seeds)();
        return toHttp(mutateArm(request, r), mutateArmHeaders(auth, fv.armToken, r), r);
      },
      run: (input) => fv.send(input),
      after: () => fv.after(),
      close: () => fv.close(),
    };
  },
};

function mutateArm(request: ArmRequest, r: Rand): ArmRequest & { body?: Buffer } {
  const query = request.query.map(([k, v]) => [k, v] as [string, string]);
  let body: Buffer | undefined = request.json === undefined ? undefined : Buffer.from(JSON.stringify(request.json));
  let { path, method } = request;
  switch (r.int(8)) {
    case 0: query.splice(r.int(query.length), 1); break;
    case 1: { const i = r.int(query.length); query[i] = [query[i]![0], mutateText(query[i]![1], r)]; break; }
    case 2: query.push(['$skipToken', r.pick(SKIP_TOKENS)]); break;
    case 3: query.push(r.chance(0.5) ? ['api-version', r.pick([RS, BACKUP, '2016-06-01', ''])] : [mutateText('api-version', r), RS]); break;
    case 4: path = mutatePath(path, r, [...COMMON_WORDS, '/', '//', 'fz-arm', 'FZ-ARM', 'vaults', '%2F']); break;
    case 5: method = r.pick(['GET', 'PUT', 'POST', 'DELETE', 'PATCH']); break;
    default: if (request.json !== undefined) body = mutateJsonBody(request.json, r);
  }
  return { method, path, query, body };
}

function mutateArmHeaders(headers: Record<string, string>, token: string, r: Rand): Record<string, string> {
  const out = r.chance(0.1) ? mutateHeaders(headers, r) : { ...headers };
  if (r.chance(0.15)) {
    const authorization = mutateAuthorization(token, r);
    if (authorization === undefined) delete out.authorization;
    else out.authorization = authorization;
  }
  return out;
}

function toHttp(request: ArmRequest & { body?: Buffer }, headers: Record<string, string>, r: Rand): HttpInput {
  const search = new URLSearchParams(request.query).toString().replace(/\+/g, r.chance(0.5) ? '%20' : '+');
  return {
    listener: 'api',
    identity: 'none',
    method: request.method,
    path: wirePath(`${request.path}${search ? `?${search}` : ''}`),
    headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, headerValue(v)])),
    body: request.body,
  };
}
