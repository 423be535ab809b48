/**
 * Making the certificate a credentials file carries (agent facts §1d): a fresh RSA-2048 key, a
 * self-signed `CN=Windows Azure Tools` client certificate, and the password-less PFX that
 * ManagementCert holds. Node's crypto makes the key and signs (native, off the event loop);
 * forge only lays out the X.509 and PKCS#12 structures. The key is handed back only as PEM for
 * the PFX: nothing here logs or throws with key material.
 */
import { createPrivateKey, generateKeyPair, randomFillSync, sign } from 'node:crypto';
import { promisify } from 'node:util';
import forge from '../forge';
import { CERT_ISSUER_CN, CLIENT_AUTH_OID } from './format';

export interface KeyPairPem {
  publicKeyPem: string;
  /** PKCS#8 PEM. Secret. */
  privateKeyPem: string;
}

const generateKeyPairAsync = promisify(generateKeyPair);

export async function generateRsaKeyPair(): Promise<KeyPairPem> {
  const { publicKey, privateKey } = await generateKeyPairAsync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicKeyPem: publicKey, privateKeyPem: privateKey };
}

export interface CertificateOptions {
  notBefore: Date;
  notAfter: Date;
  /** Extended key usage OIDs; Client Authentication unless a test wants otherwise. */
  extKeyUsage?: readonly string[];
}

/**
 * The certificate `CertUtils.CreateSelfSignedCertificate` makes: subject = issuer =
 * `CN=Windows Azure Tools` and one (non-critical) extension, EKU Client Authentication, which
 * the upload to Azure requires. Returns PEM. The local vault issues the same.
 */
export function createSelfSignedCertificate(keys: KeyPairPem, options: CertificateOptions): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(keys.publicKeyPem);
  cert.serialNumber = randomSerial();
  cert.validity.notBefore = options.notBefore;
  cert.validity.notAfter = options.notAfter;
  const name = [{ shortName: 'CN', value: CERT_ISSUER_CN }];
  cert.setSubject(name);
  cert.setIssuer(name);
  // Forge keys usages by name when it knows the OID (and mis-encodes a known OID given as such).
  const eku: Record<string, unknown> = { name: 'extKeyUsage' };
  for (const oid of options.extKeyUsage ?? [CLIENT_AUTH_OID]) eku[forge.pki.oids[oid] ?? oid] = true;
  cert.setExtensions([eku]);
  cert.signatureOid = cert.siginfo.algorithmOid = forge.pki.oids.sha256WithRSAEncryption;
  cert.tbsCertificate = pkiInternals.getTBSCertificate(cert);
  const tbs = Buffer.from(forge.asn1.toDer(cert.tbsCertificate).getBytes(), 'binary');
  cert.signature = sign('sha256', tbs, createPrivateKey(keys.privateKeyPem)).toString('binary');
  return forge.pki.certificateToPem(cert);
}

/** Public in forge but missing from its type definitions. */
const pkiInternals = forge.pki as unknown as { getTBSCertificate(cert: forge.pki.Certificate): forge.asn1.Asn1 };

/**
 * Random bytes for serials, drawn from a pool refilled 4 KiB at a time: the local vault draws a
 * serial per registration, and a synchronous call into the CSPRNG for 16 bytes cost several
 * times what copying them from the pool does.
 */
const pool = Buffer.alloc(4096);
let poolUsed = pool.length;

/** 16 random bytes for a positive DER integer: top bit cleared (DER integers are signed), first byte never 0 (OpenSSL refuses a padding byte). */
export function randomSerialBytes(): Buffer {
  if (poolUsed + 16 > pool.length) {
    randomFillSync(pool);
    poolUsed = 0;
  }
  const bytes = Buffer.from(pool.subarray(poolUsed, (poolUsed += 16)));
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytes;
}

/** randomSerialBytes() as hex, as forge takes a serial. */
export function randomSerial(): string {
  return randomSerialBytes().toString('hex');
}

export interface ManagementCertOptions {
  certPem: string;
  /** `null` leaves the key out of the PFX (a test's broken file). */
  keyPem: string | null;
  friendlyName: string;
  /** Omitted for the real, password-less PFX. */
  password?: string;
}

/** ManagementCert's value: base64 of a PKCS#12 holding the certificate and (normally) its key, under `friendlyName`. Secret. */
export function encodeManagementCert(options: ManagementCertOptions): string {
  const key = options.keyPem === null ? null : forge.pki.privateKeyFromPem(options.keyPem);
  const pfx = forge.pkcs12.toPkcs12Asn1(key, forge.pki.certificateFromPem(options.certPem), options.password ?? null, {
    algorithm: '3des',
    friendlyName: options.friendlyName,
  });
  return Buffer.from(forge.asn1.toDer(pfx).getBytes(), 'binary').toString('base64');
}
