/**
 * The certificate inside ManagementCert (agent facts §1d): a password-less PKCS#12 holding a client
 * certificate and its private key. Everything here handles a private key: errors carry only
 * codes and reasons, never bytes or forge's own error objects.
 */
import { X509Certificate, createHash } from 'node:crypto';
import forge from '../forge';
import { credentialsError } from './errors';
import { CLIENT_AUTH_OID } from './format';

export interface ManagementCertificate {
  certPem: string;
  /** PKCS#8 PEM. Secret. */
  keyPem: string;
  /** SHA-256 of the certificate DER, lowercase hex without colons. */
  fingerprint256: string;
  notBefore: Date;
  notAfter: Date;
}

const { oids } = forge.pki;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function decodeManagementCert(base64: string): ManagementCertificate {
  const compact = base64.replace(/\s+/g, ''); // Convert.FromBase64String ignores whitespace too
  if (!BASE64.test(compact)) throw corrupt('base64');
  let pfxAsn1: forge.asn1.Asn1;
  try {
    pfxAsn1 = forge.asn1.fromDer(Buffer.from(compact, 'base64').toString('binary'), true);
  } catch {
    throw corrupt('der');
  }
  const { cert, key } = pairedCertificate(openPfx(pfxAsn1));
  checkUsage(cert);
  const { notBefore, notAfter } = cert.validity;
  if (!(notBefore.getTime() < notAfter.getTime())) throw corrupt('validity');
  const der = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary');
  checkSelfSignature(der);
  const keyInfo = forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(key));
  return {
    certPem: forge.pki.certificateToPem(cert),
    keyPem: forge.pki.privateKeyInfoToPem(keyInfo),
    fingerprint256: createHash('sha256').update(der).digest('hex'),
    notBefore,
    notAfter,
  };
}

/**
 * "Password-less" has two encodings in the wild (an empty BMPString, or one holding just the
 * terminator), so try both before deciding that the file needs a password or is damaged.
 */
function openPfx(pfxAsn1: forge.asn1.Asn1): forge.pkcs12.Pkcs12Pfx {
  for (const password of [undefined, '']) {
    try {
      return forge.pkcs12.pkcs12FromAsn1(pfxAsn1, true, password);
    } catch {
      // next convention
    }
  }
  // Neither convention opens it: a password, or damage (a failed MAC, bad structure). Encrypted content tells which.
  if (hasEncryptedContent(pfxAsn1)) {
    throw credentialsError('VaultCredentialPfxPassword', 'The certificate in the file is protected by a password; vault credentials never are.');
  }
  throw corrupt('pkcs12');
}

/** Whether the PFX holds encrypted data or a shrouded key bag, walking PFX → AuthenticatedSafe → SafeContents. */
function hasEncryptedContent(pfxAsn1: forge.asn1.Asn1): boolean {
  try {
    const contentInfos = derChildren(octets(children(children(pfxAsn1)[1]!)[1]!));
    return contentInfos.some((info) => {
      const type = oidOf(children(info)[0]!);
      if (type === oids.encryptedData) return true;
      if (type !== oids.data) return false;
      const bags = derChildren(octets(children(info)[1]!));
      return bags.some((bag) => oidOf(children(bag)[0]!) === oids.pkcs8ShroudedKeyBag);
    });
  } catch {
    return false;
  }
}

function children(node: forge.asn1.Asn1): forge.asn1.Asn1[] {
  if (!Array.isArray(node.value)) throw new TypeError('primitive');
  return node.value;
}

/** The bytes of an explicit [0] wrapper's OCTET STRING (possibly BER-chunked). */
function octets(explicit: forge.asn1.Asn1): string {
  const octetString = children(explicit)[0]!;
  return Array.isArray(octetString.value) ? octetString.value.map((chunk) => chunk.value).join('') : octetString.value;
}

function derChildren(der: string): forge.asn1.Asn1[] {
  return children(forge.asn1.fromDer(der, true));
}

function oidOf(node: forge.asn1.Asn1): string {
  if (typeof node.value !== 'string') throw new TypeError('not an OID');
  return forge.asn1.derToOid(node.value);
}

function pairedCertificate(pfx: forge.pkcs12.Pkcs12Pfx): { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey } {
  const bags = pfx.safeContents.flatMap((contents) => contents.safeBags);
  const certs = bags.filter((bag) => bag.type === oids.certBag).map((bag) => bag.cert);
  const keys = bags.filter((bag) => bag.type === oids.keyBag || bag.type === oids.pkcs8ShroudedKeyBag).map((bag) => bag.key);
  // forge leaves cert/key null for types other than RSA X.509: not what a vault issues.
  if (certs.length === 0 || certs.some((cert) => !cert)) throw corrupt(certs.length === 0 ? 'noCertificate' : 'unsupportedCertificate');
  if (keys.some((key) => !key)) throw corrupt('unsupportedKey');
  if (keys.length === 0) {
    throw credentialsError('VaultCredentialNoPrivateKey', 'The certificate in the file comes without its private key.');
  }
  for (const cert of certs as forge.pki.Certificate[]) {
    const publicKey = cert.publicKey as forge.pki.rsa.PublicKey;
    const key = (keys as forge.pki.rsa.PrivateKey[]).find((k) => k.n.equals(publicKey.n) && k.e.equals(publicKey.e));
    if (key) return { cert, key };
  }
  throw credentialsError('VaultCredentialKeyMismatch', 'The private key in the file does not belong to its certificate.');
}

/** The agent authenticates with this certificate as a TLS client (EKU clientAuth, digital signature). */
function checkUsage(cert: forge.pki.Certificate): void {
  const eku = cert.getExtension('extKeyUsage') as Record<string, unknown> | undefined;
  if (eku?.[oids[CLIENT_AUTH_OID] ?? CLIENT_AUTH_OID] !== true) {
    throw credentialsError('VaultCredentialWrongKeyUsage', 'The certificate in the file is not meant for client authentication.', {
      reason: 'noClientAuth',
    });
  }
  const keyUsage = cert.getExtension('keyUsage') as Record<string, unknown> | undefined;
  if (keyUsage && keyUsage.digitalSignature !== true) {
    throw credentialsError('VaultCredentialWrongKeyUsage', 'The certificate in the file may not be used for signing.', {
      reason: 'noDigitalSignature',
    });
  }
}

/**
 * The vault's certificate is self-signed: a signature that does not verify means damage the
 * PFX's MAC did not cover (a MAC is optional). OpenSSL parsing it also proves TLS will load it.
 */
function checkSelfSignature(der: Buffer): void {
  let verified = false;
  try {
    const x509 = new X509Certificate(der);
    verified = x509.verify(x509.publicKey);
  } catch {
    // unreadable to OpenSSL: reported below like a bad signature
  }
  if (!verified) throw corrupt('signature');
}

function corrupt(reason: string) {
  return credentialsError('VaultCredentialCorruptCertificate', 'The certificate in the vault credentials file is damaged.', { reason });
}
