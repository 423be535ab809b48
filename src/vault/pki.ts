/**
 * The vault's own PKI: a CA, the TLS server certificate it signs for 127.0.0.1 and localhost,
 * and the machine certificates it signs at registration. Keys come from node's native generator,
 * certificates are laid out by der.ts and signed by node's crypto.
 *
 * A new data folder's CA key is ECDSA P-256: signing a machine certificate with it costs a small
 * fraction of an RSA-2048 signature, which is most of a registration's CPU time. Folders made
 * with an RSA CA keep it. The TLS server key stays RSA-2048, as every client accepts it.
 */
import { X509Certificate, createHash, createPrivateKey, createPublicKey, generateKeyPair, randomBytes, sign, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { writeFileAtomic } from '../core/fs/atomic';
import { generateRsaKeyPair, randomSerialBytes } from '../core/credentials/selfSigned';
import * as der from '../core/der';
import { corrupt, readOptional, type DataLayout } from './layout';
import type { MachineCertificate } from './registry';

/** Clients' clocks may run slightly behind ours: back-date every certificate like the real vault does. */
const BACKDATE_MS = 10 * 60_000;
const DAY_MS = 86_400_000;
const CA_LIFETIME_MS = 10 * 365 * DAY_MS;
const LEAF_LIFETIME_MS = 365 * DAY_MS;
/** A server certificate this close to expiry is replaced at start-up. */
const SERVER_RENEW_MS = 30 * DAY_MS;
const SERVER_HOSTS = { dns: ['localhost'], ip: ['127.0.0.1'] } as const;

const generateKeyPairAsync = promisify(generateKeyPair);

/** AlgorithmIdentifier of the signature each CA key type makes: SHA-256 with RSA, or ECDSA with SHA-256. */
const SIGNATURE_ALGORITHMS: Record<string, Buffer> = {
  rsa: der.sequence(der.oid('1.2.840.113549.1.1.11'), der.NULL),
  ec: der.sequence(der.oid('1.2.840.10045.4.3.2')),
};

const OID = {
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
};

/** keyUsage bit numbers (RFC 5280 4.2.1.3). */
const KEY_USAGE = { digitalSignature: 0, keyEncipherment: 2, keyCertSign: 5, cRLSign: 6 };

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return der.sequence(der.oid(id), ...(critical ? [der.TRUE] : []), der.octetString(value));
}

/** OIDs of a Name's attributes, encoded once: a registration's subject is built per request. */
const ATTRIBUTE_OIDS = new Map([OID.commonName, OID.organization].map((id) => [id, der.oid(id)]));

function name(attributes: Array<[string, string]>): Buffer {
  return der.sequence(...attributes.map(([id, value]) => der.set(der.sequence(ATTRIBUTE_OIDS.get(id) ?? der.oid(id), der.utf8String(value)))));
}

interface CertificateSpec {
  /** DER Name of the subject and of the issuer (the issuer's copied byte for byte from its certificate). */
  subject: Buffer;
  issuer: Buffer;
  /** DER SubjectPublicKeyInfo. */
  publicKey: Buffer;
  signingKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  /** The encoded extensions: the same for every machine certificate, so encoded once. */
  extensions: Buffer;
}

const VERSION_3 = der.explicit(0, der.smallInteger(2));

function buildCertificate(spec: CertificateSpec): { pem: string; der: Buffer } {
  const algorithm = SIGNATURE_ALGORITHMS[spec.signingKey.asymmetricKeyType ?? ''];
  if (!algorithm) throw new Error(`a ${spec.signingKey.asymmetricKeyType} CA key cannot sign certificates here`);
  const tbs = der.sequence(
    VERSION_3,
    der.unsignedInteger(randomSerialBytes()),
    algorithm,
    spec.issuer,
    der.sequence(der.time(spec.notBefore), der.time(spec.notAfter)),
    spec.subject,
    spec.publicKey,
    spec.extensions,
  );
  const certificate = der.sequence(tbs, algorithm, der.bitString(sign('sha256', tbs, spec.signingKey)));
  return { pem: der.pem('CERTIFICATE', certificate), der: certificate };
}

export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

const extensions = (...list: Buffer[]): Buffer => der.explicit(3, der.sequence(...list));

const leafExtensions = (usage: 'serverAuth' | 'clientAuth'): Buffer[] => [
  extension(OID.basicConstraints, false, der.sequence()),
  extension(OID.keyUsage, true, der.namedBits([KEY_USAGE.digitalSignature, KEY_USAGE.keyEncipherment])),
  extension(OID.extKeyUsage, false, der.sequence(der.oid(OID[usage]))),
];

const MACHINE_EXTENSIONS = extensions(...leafExtensions('clientAuth'));

/** The subject Name of a DER certificate, as its bytes (an issued certificate's issuer must match them exactly). */
function subjectName(certificate: Buffer): Buffer {
  const cert = der.readTlv(certificate, 0, 0x30);
  const tbs = cert && der.readTlv(certificate, cert.contentStart, 0x30);
  const version = tbs && der.readTlv(certificate, tbs.contentStart, 0xa0);
  const serial = der.readTlv(certificate, version?.end ?? tbs?.contentStart ?? 0, 0x02);
  const algorithm = serial && der.readTlv(certificate, serial.end, 0x30);
  const issuer = algorithm && der.readTlv(certificate, algorithm.end, 0x30);
  const validity = issuer && der.readTlv(certificate, issuer.end, 0x30);
  const subject = validity && der.readTlv(certificate, validity.end, 0x30);
  if (!subject) throw new Error('the CA certificate cannot be read');
  return certificate.subarray(subject.start, subject.end);
}

/** The key bits of a DER SubjectPublicKeyInfo { algorithm, subjectPublicKey BIT STRING }. */
function subjectPublicKey(spki: Buffer): Buffer {
  const outer = der.readTlv(spki, 0, 0x30);
  const algorithm = outer && der.readTlv(spki, outer.contentStart, 0x30);
  const bits = algorithm && der.readTlv(spki, algorithm.end, 0x03);
  if (!bits) throw new Error('unreadable public key');
  return spki.subarray(bits.contentStart + 1, bits.end);
}

export interface PemPair {
  keyPem: string;
  certPem: string;
}

export class CertificateAuthority {
  readonly certPem: string;
  private readonly key: KeyObject;
  private readonly subject: Buffer;
  private readonly x509: X509Certificate;

  constructor(pair: PemPair) {
    this.certPem = pair.certPem;
    this.key = createPrivateKey(pair.keyPem);
    this.x509 = new X509Certificate(pair.certPem);
    if (!this.x509.ca || !this.x509.checkPrivateKey(this.key)) throw new Error('the CA key does not match its certificate');
    this.subject = subjectName(this.x509.raw);
  }

  /** A new self-signed ECDSA P-256 CA, named with a random suffix so two data folders' CAs never look alike. */
  static async create(now: Date): Promise<PemPair> {
    const { publicKey, privateKey } = await generateKeyPairAsync('ec', { namedCurve: 'prime256v1' });
    const spki = publicKey.export({ type: 'spki', format: 'der' });
    const subject = name([
      [OID.commonName, `Local Backup Vault CA ${randomBytes(4).toString('hex')}`],
      [OID.organization, 'Backup Agent Setup'],
    ]);
    const { pem } = buildCertificate({
      subject,
      issuer: subject,
      publicKey: spki,
      signingKey: privateKey,
      notBefore: new Date(now.getTime() - BACKDATE_MS),
      notAfter: new Date(now.getTime() + CA_LIFETIME_MS),
      extensions: extensions(
        extension(OID.basicConstraints, true, der.sequence(der.TRUE, der.smallInteger(0))),
        extension(OID.keyUsage, true, der.namedBits([KEY_USAGE.keyCertSign, KEY_USAGE.cRLSign])),
        // RFC 5280 method 1: SHA-1 of the subjectPublicKey bits.
        extension(OID.subjectKeyIdentifier, false, der.octetString(createHash('sha1').update(subjectPublicKey(spki)).digest())),
      ),
    });
    return { keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, certPem: pem };
  }

  async issueServerCertificate(now: Date): Promise<PemPair> {
    const keys = await generateRsaKeyPair();
    const spki = createPublicKey(keys.publicKeyPem).export({ type: 'spki', format: 'der' });
    const altNames = [
      ...SERVER_HOSTS.dns.map((host) => der.tlv(0x82, Buffer.from(host, 'latin1'))),
      ...SERVER_HOSTS.ip.map((ip) => der.tlv(0x87, Buffer.from(ip.split('.').map(Number)))),
    ];
    const { pem } = this.sign(spki, 'localhost', now, extensions(...leafExtensions('serverAuth'), extension(OID.subjectAltName, false, der.sequence(...altNames))));
    return { keyPem: keys.privateKeyPem, certPem: pem };
  }

  /** The certificate a registered machine authenticates with: CN = machine id, client auth only. */
  issueMachineCertificate(publicKey: Buffer, machineId: string, now: Date): MachineCertificate {
    const notAfter = new Date(now.getTime() + LEAF_LIFETIME_MS);
    const { pem, der: certificate } = this.sign(publicKey, machineId, now, MACHINE_EXTENSIONS);
    return { pem, fingerprint256: sha256Hex(certificate), notAfter };
  }

  /** True if this CA signed the certificate. */
  issued(cert: X509Certificate): boolean {
    return cert.issuer === this.x509.subject && cert.verify(this.x509.publicKey);
  }

  private sign(publicKey: Buffer, commonName: string, now: Date, extensions: Buffer) {
    return buildCertificate({
      subject: name([[OID.commonName, commonName]]),
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
