/**
 * The machine's PKCS#10 certificate request (RFC 2986), laid out in DER and signed with node's
 * crypto, as the vault lays out and signs its certificates: no forge on the agent's common path.
 */
import { createPrivateKey, createPublicKey, sign } from 'node:crypto';
import * as der from '../der';
import type { MachineKey } from './machineIdentity';

const COMMON_NAME = der.oid('2.5.4.3');
const SHA256_WITH_RSA = der.sequence(der.oid('1.2.840.113549.1.1.11'), der.NULL);

/** A PEM CSR for `key` with subject CN = the machine id, signed SHA-256 with RSA. */
export function createMachineCsr(key: MachineKey, machineId: string): string {
  const subject = der.sequence(der.set(der.sequence(COMMON_NAME, der.utf8String(machineId))));
  const spki = createPublicKey(key.publicKeyPem).export({ type: 'spki', format: 'der' });
  // version 0, subject, subjectPKInfo, attributes [0] (none)
  const info = der.sequence(der.smallInteger(0), subject, spki, der.explicit(0));
  const signature = sign('sha256', info, createPrivateKey(key.privateKeyPem));
  return der.pem('CERTIFICATE REQUEST', der.sequence(info, SHA256_WITH_RSA, der.bitString(signature)));
}
