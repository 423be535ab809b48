/**
 * Throwaway certificate authorities and certificates for TLS tests: node generates the RSA keys
 * (fast, native), node-forge builds and signs the X.509 structures (node cannot issue certs).
 * Plus an HTTPS server on a free loopback port to present them.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import forge from 'node-forge';
import { randomSerial } from '../../src/core/credentials/selfSigned';

export interface CertAndKey {
  certPem: string;
  keyPem: string;
}

export interface IssueOptions {
  commonName: string;
  /** Subject alternative names. */
  dnsNames?: string[];
  ips?: string[];
  notBefore?: Date;
  notAfter?: Date;
  /** Extended key usage; `server` unless told otherwise. */
  usage?: 'server' | 'client';
}

export interface TestCa extends CertAndKey {
  issue(options: IssueOptions): CertAndKey;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function newKeyPair(): { forgeKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey; keyPem: string } {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const forgeKey = forge.pki.privateKeyFromPem(privateKey);
  return { forgeKey, publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e), keyPem: privateKey };
}

function baseCertificate(publicKey: forge.pki.rsa.PublicKey, commonName: string, notBefore: Date, notAfter: Date): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = randomSerial();
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  cert.setSubject([{ name: 'commonName', value: commonName }]);
  return cert;
}

function leafExtensions(options: IssueOptions) {
  const altNames = [
    ...(options.dnsNames ?? []).map((value) => ({ type: 2, value })),
    ...(options.ips ?? []).map((ip) => ({ type: 7, ip })),
  ];
  return [
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    options.usage === 'client' ? { name: 'extKeyUsage', clientAuth: true } : { name: 'extKeyUsage', serverAuth: true },
    ...(altNames.length > 0 ? [{ name: 'subjectAltName', altNames }] : []),
  ];
}

function leafCertificate(options: IssueOptions, publicKey: forge.pki.rsa.PublicKey): forge.pki.Certificate {
  const now = Date.now();
  return baseCertificate(publicKey, options.commonName, options.notBefore ?? new Date(now - DAY_MS), options.notAfter ?? new Date(now + 7 * DAY_MS));
}

export function createTestCa(commonName = 'Throwaway Test CA'): TestCa {
  const now = Date.now();
  const keys = newKeyPair();
  const caCert = baseCertificate(keys.publicKey, commonName, new Date(now - DAY_MS), new Date(now + 30 * DAY_MS));
  caCert.setIssuer(caCert.subject.attributes);
  caCert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  caCert.sign(keys.forgeKey, forge.md.sha256.create());

  return {
    certPem: forge.pki.certificateToPem(caCert),
    keyPem: keys.keyPem,
    issue(options: IssueOptions): CertAndKey {
      const leafKeys = newKeyPair();
      const cert = leafCertificate(options, leafKeys.publicKey);
      cert.setIssuer(caCert.subject.attributes);
      cert.setExtensions([
        ...leafExtensions(options),
        { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
      ]);
      cert.sign(keys.forgeKey, forge.md.sha256.create());
      return { certPem: forge.pki.certificateToPem(cert), keyPem: leafKeys.keyPem };
    },
  };
}

/** A leaf certificate signed by its own key, issued by no CA. */
export function createSelfSigned(options: IssueOptions): CertAndKey {
  const keys = newKeyPair();
  const cert = leafCertificate(options, keys.publicKey);
  cert.setIssuer(cert.subject.attributes);
  cert.setExtensions(leafExtensions(options));
  cert.sign(keys.forgeKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.keyPem };
}

export interface TestServer {
  port: number;
  /** `https://127.0.0.1:port` */
  origin: string;
  close(): Promise<void>;
}

export interface HttpsServerOptions extends CertAndKey {
  /** Ask for a client certificate and verify it against this CA. */
  clientCa?: string;
  handler: (req: IncomingMessage, res: ServerResponse) => void;
}

/** An HTTPS server on a free loopback port. */
export async function startHttpsServer(options: HttpsServerOptions): Promise<TestServer> {
  const server = https.createServer(
    {
      cert: options.certPem,
      key: options.keyPem,
      ...(options.clientCa ? { ca: options.clientCa, requestCert: true, rejectUnauthorized: true } : {}),
    },
    options.handler,
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    origin: `https://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port nothing listens on (it was free a moment ago): connections are refused. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
