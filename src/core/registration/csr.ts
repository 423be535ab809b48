/**
 * The machine's PKCS#10 certificate request. Forge lays out the structure; node's crypto signs
 * it, which is native and far faster than forge's pure-JS RSA (the vault does the same).
 */
import { createPrivateKey, sign } from 'node:crypto';
import forge from '../forge';
import type { MachineKey } from './machineIdentity';

/** Public in forge but missing from its type definitions. */
const forgeInternals = forge.pki as unknown as {
  getCertificationRequestInfo(csr: forge.pki.CertificateSigningRequest): forge.asn1.Asn1;
};

/** A PEM CSR for `key` with subject CN = the machine id, signed SHA-256 with RSA. */
export function createMachineCsr(key: MachineKey, machineId: string): string {
  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = forge.pki.publicKeyFromPem(key.publicKeyPem);
  csr.setSubject([{ shortName: 'CN', value: machineId }]);
  csr.signatureOid = forge.pki.oids.sha256WithRSAEncryption!;
  const info = forgeInternals.getCertificationRequestInfo(csr);
  // certificationRequestToPem serialises this captured info together with the signature below.
  (csr as unknown as { certificationRequestInfo: forge.asn1.Asn1 }).certificationRequestInfo = info;
  const tbs = Buffer.from(forge.asn1.toDer(info).getBytes(), 'binary');
  csr.signature = sign('sha256', tbs, createPrivateKey(key.privateKeyPem)).toString('binary');
  return forge.pki.certificationRequestToPem(csr);
}
