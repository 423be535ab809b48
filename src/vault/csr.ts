/**
 * Checks a machine's PKCS#10 request: well-formed, RSA of at least 2048 bits, and signed by the
 * key it carries (proof of possession). Forge reads the structure; node's crypto checks the
 * signature over the exact bytes received, not over forge's re-encoding of them.
 */
import { verify } from 'node:crypto';
import forge from 'node-forge';
import { VaultCode, VaultError } from './errors';
import { nodePublicKey } from './pki';

export const MIN_RSA_BITS = 2048;

const SIGNATURE_HASHES: Record<string, string> = {
  [forge.pki.oids.sha256WithRSAEncryption!]: 'sha256',
  [forge.pki.oids.sha384WithRSAEncryption!]: 'sha384',
  [forge.pki.oids.sha512WithRSAEncryption!]: 'sha512',
};

function invalid(message: string, cause?: unknown): VaultError {
  return new VaultError(VaultCode.CsrInvalid, `The certificate request is not valid: ${message}.`, { issues: [{ path: 'csr', message }] }, {}, { cause });
}

/** The request's public key, once the request is proven sound. */
export function verifyCsr(pem: string): forge.pki.PublicKey {
  let csr: forge.pki.CertificateSigningRequest;
  let der: Buffer;
  try {
    const block = forge.pem.decode(pem).find((b) => b.type === 'CERTIFICATE REQUEST' || b.type === 'NEW CERTIFICATE REQUEST');
    if (!block) throw new Error('no CERTIFICATE REQUEST block');
    der = Buffer.from(block.body, 'binary');
    csr = forge.pki.certificationRequestFromAsn1(forge.asn1.fromDer(block.body));
  } catch (err) {
    const message = /not RSA/i.test((err as Error).message) ? 'the key must be RSA' : 'not a PEM PKCS#10 request';
    throw invalid(message, err);
  }
  const publicKey = csr.publicKey as forge.pki.rsa.PublicKey | null;
  if (!publicKey) throw invalid('no public key');
  if (publicKey.n.bitLength() < MIN_RSA_BITS) throw invalid(`the RSA key must have at least ${MIN_RSA_BITS} bits`);
  const hash = SIGNATURE_HASHES[csr.signatureOid ?? ''];
  if (!hash) throw invalid('the signature must be RSA with SHA-256, SHA-384 or SHA-512');
  const info = firstElement(der);
  const signature = Buffer.from(csr.signature as string, 'binary');
  if (!info || !verify(hash, info, nodePublicKey(publicKey), signature)) throw invalid('its signature does not match its key');
  return publicKey;
}

/** The bytes of the first element inside the outer DER SEQUENCE (the CertificationRequestInfo). */
function firstElement(der: Buffer): Buffer | undefined {
  const outer = tlv(der, 0);
  const inner = outer && tlv(der, outer.contentStart);
  return inner && inner.end <= outer.end ? der.subarray(inner.start, inner.end) : undefined;
}

function tlv(buf: Buffer, start: number): { start: number; contentStart: number; end: number } | undefined {
  let p = start + 1;
  if (p >= buf.length) return undefined;
  let length = buf[p++]!;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 4 || p + bytes > buf.length) return undefined;
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + buf[p++]!;
  }
  const end = p + length;
  return end <= buf.length ? { start, contentStart: p, end } : undefined;
}
