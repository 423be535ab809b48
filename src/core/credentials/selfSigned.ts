/**
 * Making the certificate a credentials file carries (agent facts §1d): a fresh RSA-2048 key, a
 * self-signed `CN=Windows Azure Tools` client certificate, and the password-less PFX that
 * ManagementCert holds. Node's crypto makes the key and signs (native, off the event loop);
 * forge only lays out the X.509 and PKCS#12 structures. The key is handed back only as PEM for
 * the PFX: nothing here logs or throws with key material.
 */
import { createPrivateKey, generateKeyPair, randomBytes, sign } from 'node:crypto';
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

/**
 * The certificate `CertUtils.CreateSelfSignedCertificate` makes: subject = issuer =
 * `CN=Windows Azure Tools` and one (non-critical) extension, EKU Client Authentication, which
 * the upload to Azure requires. Returns PEM.
 */
export function createSelfSignedCertificate(keys: KeyPairPem, validity: { notBefore: Date; notAfter: Date }): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(keys.publicKeyPem);
  cert.serialNumber = randomSerial();
  cert.validity.notBefore = validity.notBefore;
  cert.validity.notAfter = validity.notAfter;
  const name = [{ shortName: 'CN', value: CERT_ISSUER_CN }];
  cert.setSubject(name);
  cert.setIssuer(name);
  // Forge keys usages by name when it knows the OID (and mis-encodes a known OID given as such).
  cert.setExtensions([{ name: 'extKeyUsage', [forge.pki.oids[CLIENT_AUTH_OID] ?? CLIENT_AUTH_OID]: true }]);
  cert.signatureOid = cert.siginfo.algorithmOid = forge.pki.oids.sha256WithRSAEncryption;
  cert.tbsCertificate = pkiInternals.getTBSCertificate(cert);
  const tbs = Buffer.from(forge.asn1.toDer(cert.tbsCertificate).getBytes(), 'binary');
  cert.signature = sign('sha256', tbs, createPrivateKey(keys.privateKeyPem)).toString('binary');
  return forge.pki.certificateToPem(cert);
}

/** Public in forge but missing from its type definitions. */
const pkiInternals = forge.pki as unknown as { getTBSCertificate(cert: forge.pki.Certificate): forge.asn1.Asn1 };

/** 16 random bytes as a positive DER integer: top bit cleared (DER integers are signed), first byte never 0 (OpenSSL refuses a padding byte). */
export function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytes.toString('hex');
}

/** ManagementCert's value: base64 of a password-less PKCS#12 holding the certificate and its key, under `friendlyName`. Secret. */
export function encodeManagementCert(certPem: string, keyPem: string, friendlyName: string): string {
  const pfx = forge.pkcs12.toPkcs12Asn1(forge.pki.privateKeyFromPem(keyPem), forge.pki.certificateFromPem(certPem), null, {
    algorithm: '3des',
    friendlyName,
  });
  return Buffer.from(forge.asn1.toDer(pfx).getBytes(), 'binary').toString('base64');
}
