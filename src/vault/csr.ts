/**
 * Checks a machine's PKCS#10 request: well-formed, RSA of at least 2048 bits, and signed by the
 * key it carries (proof of possession). The request is walked as DER and checked with node's
 * crypto over the exact bytes received.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { readTlv as tlv } from '../core/der';
import { VaultCode, VaultError } from './errors';

const MIN_RSA_BITS = 2048;

/** DER of rsaEncryption, the only key algorithm accepted. */
const RSA_ENCRYPTION = '2a864886f70d010101';

/** DER of the signature algorithm OIDs accepted (sha{256,384,512}WithRSAEncryption). */
const SIGNATURE_HASHES = new Map([
  ['2a864886f70d01010b', 'sha256'],
  ['2a864886f70d01010c', 'sha384'],
  ['2a864886f70d01010d', 'sha512'],
]);

function invalid(message: string, cause?: unknown): VaultError {
  return new VaultError(VaultCode.CsrInvalid, `The certificate request is not valid: ${message}.`, { issues: [{ path: 'csr', message }] }, {}, { cause });
}

/** The request's public key (DER SubjectPublicKeyInfo, as received), once the request is proven sound. */
export function verifyCsr(pem: string): Buffer {
  const match = /-----BEGIN (?:NEW )?CERTIFICATE REQUEST-----([A-Za-z0-9+/=\s]+)-----END (?:NEW )?CERTIFICATE REQUEST-----/.exec(pem);
  if (!match) throw invalid('not a PEM PKCS#10 request');
  const der = Buffer.from(match[1]!, 'base64');

  // CertificationRequest ::= SEQUENCE { info, signatureAlgorithm, signature BIT STRING }
  // info ::= SEQUENCE { version, subject, subjectPublicKeyInfo, attributes }
  const outer = tlv(der, 0, 0x30);
  const info = outer && tlv(der, outer.contentStart, 0x30);
  const algorithm = info && tlv(der, info.end, 0x30);
  const signature = algorithm && tlv(der, algorithm.end, 0x03);
  const version = info && tlv(der, info.contentStart, 0x02);
  const subject = version && tlv(der, version.end, 0x30);
  const spki = subject && tlv(der, subject.end, 0x30);
  const oid = algorithm && tlv(der, algorithm.contentStart, 0x06);
  if (!outer || !signature || !spki || !oid || outer.end !== der.length || signature.end !== outer.end || der[signature.contentStart] !== 0) {
    throw invalid('not a DER PKCS#10 request');
  }

  const hash = SIGNATURE_HASHES.get(der.subarray(oid.contentStart, oid.end).toString('hex'));
  if (!hash) throw invalid('the signature must be RSA with SHA-256, SHA-384 or SHA-512');

  // subjectPublicKeyInfo ::= SEQUENCE { algorithm, subjectPublicKey BIT STRING (RSAPublicKey) }
  const keyAlgorithm = tlv(der, spki.contentStart, 0x30);
  const keyOid = keyAlgorithm && tlv(der, keyAlgorithm.contentStart, 0x06);
  const keyBits = keyAlgorithm && tlv(der, keyAlgorithm.end, 0x03);
  if (!keyOid || der.subarray(keyOid.contentStart, keyOid.end).toString('hex') !== RSA_ENCRYPTION) throw invalid('the key must be RSA');
  let key: KeyObject;
  try {
    if (!keyBits || der[keyBits.contentStart] !== 0) throw new Error('malformed subjectPublicKey');
    // Importing the bare PKCS#1 key is some twenty times faster than the SPKI decoder.
    key = createPublicKey({ key: der.subarray(keyBits.contentStart + 1, keyBits.end), format: 'der', type: 'pkcs1' });
  } catch (err) {
    throw invalid('its public key cannot be read', err);
  }
  if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS) throw invalid(`the RSA key must have at least ${MIN_RSA_BITS} bits`);
  const signed = der.subarray(info.start, info.end);
  if (!verify(hash, signed, key, der.subarray(signature.contentStart + 1, signature.end))) {
    throw invalid('its signature does not match its key');
  }
  return der.subarray(spki.start, spki.end);
}
