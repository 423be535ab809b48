/**
 * Test support for the local vault: start one in a temp data folder on a free loopback port,
 * create a vault and issue its credentials file, and talk to it over mutual TLS with whichever
 * client certificate a test needs. Everything started here has a close().
 */
import { createPrivateKey, randomUUID, sign } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import forge from 'node-forge';
import { Agent, request } from 'undici';
import type { IncomingHttpHeaders } from 'undici/types/header';
import { generateRsaKeyPair, type KeyPairPem } from '../../src/core/credentials/selfSigned';
import {
  startVault,
  type CredentialsFile,
  type RunningVault,
  type StartVaultOptions,
  type VaultIdentity,
} from '../../src/vault/index';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** A clock that follows real time, shifted by however far a test moved it. */
export class TestClock {
  private offsetMs = 0;
  readonly now = (): Date => new Date(Date.now() + this.offsetMs);
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

export async function tempDir(prefix = 'vault-test-'): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

export interface TestVault extends RunningVault {
  clock: TestClock;
  /** Every line the vault logged. */
  logs: string[];
}

/**
 * Starts a vault on 127.0.0.1 with a free port. Without `dataDir` it gets a temp folder that
 * close() removes; without `agentDir` it serves an empty agent folder.
 */
export async function startTestVault(options: Partial<StartVaultOptions> = {}): Promise<TestVault> {
  const ownDir = options.dataDir ? undefined : await tempDir();
  const clock = new TestClock();
  const logs: string[] = [];
  try {
    const vault = await startVault({
      port: 0,
      now: clock.now,
      agentDir: path.join(ownDir ?? options.dataDir!, 'no-agent'),
      logger: { info: (line) => logs.push(line), error: (line) => logs.push(`ERROR ${line}`) },
      ...options,
      dataDir: options.dataDir ?? ownDir!,
    });
    return {
      ...vault,
      clock,
      logs,
      close: async () => {
        await vault.close();
        if (ownDir) await fs.rm(ownDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    if (ownDir) await fs.rm(ownDir, { recursive: true, force: true });
    throw err;
  }
}

/** A TLS client identity: PEM certificate and key, or a PKCS#12 as found in a credentials file. */
export type ClientIdentity = { certPem: string; keyPem: string } | { pfx: Buffer };

/** Parsed JSON as assertions read it: any shape, checked by the assertions themselves. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyJson = any;

export interface VaultResponse<T = AnyJson> {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The parsed JSON body (undefined when the body is not JSON). */
  json: T;
}

export interface VaultClient {
  request<T = AnyJson>(method: string, urlPath: string, init?: { json?: unknown; body?: string | Buffer; headers?: Record<string, string> }): Promise<VaultResponse<T>>;
  close(): Promise<void>;
}

/** An HTTPS client that trusts the vault's CA and presents `identity`, if given. */
export function vaultClient(vault: { url: string; caCertPem: string }, identity?: ClientIdentity): VaultClient {
  const tlsIdentity = !identity ? {} : 'pfx' in identity ? { pfx: identity.pfx, passphrase: '' } : { cert: identity.certPem, key: identity.keyPem };
  const dispatcher = new Agent({ connect: { ca: vault.caCertPem, ...tlsIdentity } });
  return {
    async request(method, urlPath, init = {}) {
      const body = init.json === undefined ? init.body : JSON.stringify(init.json);
      const headers = { ...(init.json === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers };
      const response = await request(`${vault.url}${urlPath}`, { method: method as 'GET', dispatcher, headers, body });
      const bytes = Buffer.from(await response.body.arrayBuffer());
      const isJson = String(response.headers['content-type'] ?? '').startsWith('application/json');
      return { status: response.statusCode, headers: response.headers, body: bytes, json: isJson ? JSON.parse(bytes.toString('utf8')) : undefined };
    },
    close: () => dispatcher.close(),
  };
}

/** The PKCS#12 inside a credentials file's ManagementCert element. */
export function credentialsPfx(xml: string): Buffer {
  const match = /<ManagementCert>([^<]+)<\/ManagementCert>/.exec(xml);
  if (!match) throw new Error('no ManagementCert in the credentials file');
  return Buffer.from(match[1]!, 'base64');
}

export interface TestVaultCredentials {
  identity: VaultIdentity;
  file: CredentialsFile;
  /** The client identity the file carries. */
  client: ClientIdentity;
}

/** Creates a vault (a fresh name unless given) and issues its credentials file. */
export async function createVaultWithCredentials(vault: RunningVault, name = `v${randomUUID().slice(0, 8)}`, validHours?: number): Promise<TestVaultCredentials> {
  const identity = await vault.admin.createVault({ name });
  return { identity, ...(await issueTestCredentials(vault, name, validHours)) };
}

export async function issueTestCredentials(vault: RunningVault, name: string, validHours?: number): Promise<Omit<TestVaultCredentials, 'identity'>> {
  const file = await vault.admin.issueCredentials(name, { validHours });
  return { file, client: { pfx: credentialsPfx(file.xml) } };
}

let machineKeys: Promise<KeyPairPem> | undefined;

/** One RSA key shared by the test machines: key generation is the slow part, and they need not differ. */
export function machineKey(): Promise<KeyPairPem> {
  return (machineKeys ??= generateRsaKeyPair());
}

/** A PKCS#10 request for `keys`, signed with node's crypto (forge lays out the structure). */
export function createCsr(keys: KeyPairPem, commonName = 'test-machine'): string {
  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = forge.pki.publicKeyFromPem(keys.publicKeyPem);
  csr.setSubject([{ shortName: 'CN', value: commonName }]);
  const internals = forge.pki as unknown as { getCertificationRequestInfo(c: forge.pki.CertificateSigningRequest): forge.asn1.Asn1 };
  const info = internals.getCertificationRequestInfo(csr);
  (csr as unknown as { certificationRequestInfo: forge.asn1.Asn1 }).certificationRequestInfo = info;
  csr.signatureOid = forge.pki.oids.sha256WithRSAEncryption!;
  const tbs = Buffer.from(forge.asn1.toDer(info).getBytes(), 'binary');
  csr.signature = sign('sha256', tbs, createPrivateKey(keys.privateKeyPem)).toString('binary');
  return forge.pki.certificationRequestToPem(csr);
}

export interface RegistrationBody {
  serverName: string;
  machineId: string;
  os: { name: string; version: string };
  agentVersion: string;
  csr: string;
}

export async function registrationBody(overrides: Partial<RegistrationBody> = {}): Promise<RegistrationBody> {
  return {
    serverName: 'test-server',
    machineId: randomUUID(),
    os: { name: 'Linux', version: '6.1' },
    agentVersion: '0.1.0',
    csr: createCsr(await machineKey()),
    ...overrides,
  };
}

export interface RegisteredMachine {
  registrationId: string;
  machineId: string;
  /** The machine's identity for the calls after registration. */
  client: ClientIdentity;
  response: VaultResponse;
}

/** Registers a machine with `credentialsClient` (which presents a credentials file's certificate). */
export async function registerMachine(credentialsClient: VaultClient, overrides: Partial<RegistrationBody> = {}): Promise<RegisteredMachine> {
  const body = await registrationBody(overrides);
  const response = await credentialsClient.request('POST', '/v1/registrations', { json: body });
  if (response.status !== 201 && response.status !== 200) {
    throw new Error(`registration failed: ${response.status} ${response.body.toString('utf8')}`);
  }
  const keys = await machineKey();
  return {
    registrationId: response.json.registrationId,
    machineId: response.json.machineId,
    client: { certPem: response.json.machineCertificate, keyPem: keys.privateKeyPem },
    response,
  };
}

/** Builds the agent package into `outDir` with the project's own build script. */
export async function buildAgentPackage(outDir: string): Promise<{ version: string; file: string; size: number; sha256: string }> {
  const script = pathToFileURL(path.join(REPO_ROOT, 'scripts', 'build-agent.mjs')).href;
  const { buildAgent } = (await import(script)) as { buildAgent(o: { outDir: string }): Promise<{ version: string; file: string; size: number; sha256: string }> };
  return buildAgent({ outDir });
}
