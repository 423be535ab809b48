/**
 * The vault's own PKI: a CA, the TLS server certificate it signs for 127.0.0.1 and localhost,
 * and the machine certificates it signs at registration. Keys come from node's native generator
 * and every signature from node's crypto; forge only lays out the X.509 structure.
 */
import { X509Certificate, createHash, createPrivateKey, randomBytes, sign, type KeyObject } from 'node:crypto';
import forge from '../core/forge';
import { writeFileAtomic } from '../core/fs/atomic';
import { corrupt, readOptional, type DataLayout } from './layout';
import { generateRsaKeyPair, randomSerial } from '../core/credentials/selfSigned';
import type { MachineCertificate } from './registry';

/** Clients' clocks may run slightly behind ours: back-date every certificate like the real vault does. */
const BACKDATE_MS = 10 * 60_000;
const DAY_MS = 86_400_000;
const CA_LIFETIME_MS = 10 * 365 * DAY_MS;
const LEAF_LIFETIME_MS = 365 * DAY_MS;
/** A server certificate this close to expiry is replaced at start-up. */
const SERVER_RENEW_MS = 30 * DAY_MS;
const SERVER_HOSTS = { dns: ['localhost'], ip: ['127.0.0.1'] } as const;

type Extension = Record<string, unknown> & { name: string };

interface CertificateSpec {
  subject: forge.pki.CertificateField[];
  issuer: forge.pki.CertificateField[];
  publicKey: forge.pki.PublicKey;
  signingKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  extensions: Extension[];
}

/** Public in forge but missing from its type definitions. */
const pkiInternals = forge.pki as unknown as { getTBSCertificate(cert: forge.pki.Certificate): forge.asn1.Asn1 };

function buildCertificate(spec: CertificateSpec): { pem: string; der: Buffer } {
  const cert = forge.pki.createCertificate();
  cert.publicKey = spec.publicKey;
  cert.serialNumber = randomSerial();
  cert.validity.notBefore = spec.notBefore;
  cert.validity.notAfter = spec.notAfter;
  cert.setSubject(spec.subject);
  cert.setIssuer(spec.issuer);
  cert.setExtensions(spec.extensions);
  cert.signatureOid = cert.siginfo.algorithmOid = forge.pki.oids.sha256WithRSAEncryption;
  cert.tbsCertificate = pkiInternals.getTBSCertificate(cert);
  const tbs = Buffer.from(forge.asn1.toDer(cert.tbsCertificate).getBytes(), 'binary');
  cert.signature = sign('sha256', tbs, spec.signingKey).toString('binary');
  const der = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary');
  return { pem: forge.pki.certificateToPem(cert), der };
}

export function sha256Hex(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}

const leafExtensions = (usage: 'serverAuth' | 'clientAuth'): Extension[] => [
  { name: 'basicConstraints', cA: false },
  { name: 'keyUsage', critical: true, digitalSignature: true, keyEncipherment: true },
  { name: 'extKeyUsage', [usage]: true },
];

export interface PemPair {
  keyPem: string;
  certPem: string;
}

export class CertificateAuthority {
  readonly certPem: string;
  private readonly key: KeyObject;
  private readonly subject: forge.pki.CertificateField[];
  private readonly x509: X509Certificate;

  constructor(pair: PemPair) {
    this.certPem = pair.certPem;
    this.key = createPrivateKey(pair.keyPem);
    this.x509 = new X509Certificate(pair.certPem);
    if (!this.x509.ca || !this.x509.checkPrivateKey(this.key)) throw new Error('the CA key does not match its certificate');
    this.subject = forge.pki.certificateFromPem(pair.certPem).subject.attributes;
  }

  /** A new self-signed CA, named with a random suffix so two data folders' CAs never look alike. */
  static async create(now: Date): Promise<PemPair> {
    const keys = await generateRsaKeyPair();
    const name = [
      { shortName: 'CN', value: `Local Backup Vault CA ${randomBytes(4).toString('hex')}` },
      { shortName: 'O', value: 'Backup Agent Setup' },
    ];
    const { pem } = buildCertificate({
      subject: name,
      issuer: name,
      publicKey: forge.pki.publicKeyFromPem(keys.publicKeyPem),
      signingKey: createPrivateKey(keys.privateKeyPem),
      notBefore: new Date(now.getTime() - BACKDATE_MS),
      notAfter: new Date(now.getTime() + CA_LIFETIME_MS),
      extensions: [
        { name: 'basicConstraints', critical: true, cA: true, pathLenConstraint: 0 },
        { name: 'keyUsage', critical: true, keyCertSign: true, cRLSign: true },
        { name: 'subjectKeyIdentifier' },
      ],
    });
    return { keyPem: keys.privateKeyPem, certPem: pem };
  }

  async issueServerCertificate(now: Date): Promise<PemPair> {
    const keys = await generateRsaKeyPair();
    const { pem } = this.sign(forge.pki.publicKeyFromPem(keys.publicKeyPem), 'localhost', now, [
      ...leafExtensions('serverAuth'),
      {
        name: 'subjectAltName',
        altNames: [...SERVER_HOSTS.dns.map((value) => ({ type: 2, value })), ...SERVER_HOSTS.ip.map((ip) => ({ type: 7, ip }))],
      },
    ]);
    return { keyPem: keys.privateKeyPem, certPem: pem };
  }

  /** The certificate a registered machine authenticates with: CN = machine id, client auth only. */
  issueMachineCertificate(publicKey: forge.pki.PublicKey, machineId: string, now: Date): MachineCertificate {
    const notAfter = new Date(now.getTime() + LEAF_LIFETIME_MS);
    const { pem, der } = this.sign(publicKey, machineId, now, leafExtensions('clientAuth'));
    return { pem, fingerprint256: sha256Hex(der), notAfter };
  }

  /** True if this CA signed the certificate. */
  issued(cert: X509Certificate): boolean {
    return cert.issuer === this.x509.subject && cert.verify(this.x509.publicKey);
  }

  private sign(publicKey: forge.pki.PublicKey, commonName: string, now: Date, extensions: Extension[]) {
    return buildCertificate({
      subject: [{ shortName: 'CN', value: commonName }],
      issuer: this.subject,
      publicKey,
      signingKey: this.key,
      notBefore: new Date(now.getTime() - BACKDATE_MS),
      notAfter: new Date(now.getTime() + LEAF_LIFETIME_MS),
      extensions,
    });
  }
}

export interface TlsMaterial {
  ca: CertificateAuthority;
  server: PemPair;
}

/**
 * Loads the CA and server certificate of a data folder, creating them on first start and
 * renewing the server certificate when it nears expiry. Keys are written 0600.
 */
export async function loadOrCreateTls(layout: DataLayout, now: Date): Promise<TlsMaterial> {
  const ca = await loadPair(layout.caKey, layout.caCert, (pair) => new CertificateAuthority(pair), () => CertificateAuthority.create(now));
  const server = await loadPair(
    layout.serverKey,
    layout.serverCert,
    (pair) => {
      const x509 = new X509Certificate(pair.certPem);
      // A key renewed just before a crash leaves a mismatched pair: the server's is disposable.
      const usable = x509.checkPrivateKey(createPrivateKey(pair.keyPem)) && ca.issued(x509);
      return usable && Date.parse(x509.validTo) - now.getTime() > SERVER_RENEW_MS ? pair : undefined;
    },
    () => ca.issueServerCertificate(now),
  );
  return { ca, server };
}

/**
 * Reads a key and certificate pair; `accept` turns it into a value, or returns undefined when
 * it should be replaced, in which case `create` makes a new pair. The key is written first, so a
 * crash in between leaves a key without a certificate, which is simply created again.
 */
async function loadPair<T>(
  keyFile: string,
  certFile: string,
  accept: (pair: PemPair) => T | undefined,
  create: () => Promise<PemPair>,
): Promise<Exclude<T, undefined>> {
  const [keyPem, certPem] = await Promise.all([readOptional(keyFile), readOptional(certFile)]);
  if (certPem !== undefined) {
    if (keyPem === undefined) throw corrupt(keyFile, 'missing while its certificate is present');
    let value: T | undefined;
    try {
      value = accept({ keyPem, certPem });
    } catch (err) {
      throw corrupt(certFile, `unusable key or certificate: ${(err as Error).message}`, err);
    }
    if (value !== undefined) return value as Exclude<T, undefined>;
  }
  const pair = await create();
  await writeFileAtomic(keyFile, pair.keyPem, { mode: 0o600 });
  await writeFileAtomic(certFile, pair.certPem, { mode: 0o644 });
  return accept(pair) as Exclude<T, undefined>;
}
