/**
 * The certificate the vault issued this machine at registration, and the vault's CA, stored next
 * to the machine key: together they are the machine's TLS identity for every call after
 * registering (status, unregister, passphrase change) and the CA that call trusts.
 */
import { X509Certificate } from 'node:crypto';
import type { AgentLayout } from '../config/layout';
import { ClientCertificate } from '../credentials/model';
import { SetupError } from '../errors';
import type { Target } from '../target/target';
import { readTargetText, removeOnTarget, writeTargetFile } from '../target/files';
import { nextStep } from './errors';

export interface StoredMachineCertificate {
  identity: ClientCertificate;
  vaultCaPem: string;
  notAfter: Date;
}

export async function writeMachineCertificate(target: Target, layout: AgentLayout, certPem: string, vaultCaPem: string): Promise<{ notAfter: Date }> {
  const notAfter = new Date(new X509Certificate(certPem).validTo);
  await writeTargetFile(target, layout.vaultCaFile, vaultCaPem);
  await writeTargetFile(target, layout.machineCertFile, certPem);
  return { notAfter };
}

/** The machine's identity as stored; a MachineNotRegistered error when a piece is missing or unreadable. */
export async function readMachineCertificate(target: Target, layout: AgentLayout): Promise<StoredMachineCertificate> {
  const [certPem, keyPem, vaultCaPem] = await Promise.all([
    readTargetText(target, layout.machineCertFile),
    readTargetText(target, layout.machineKeyFile),
    readTargetText(target, layout.vaultCaFile),
  ]);
  if (!certPem || !keyPem || !vaultCaPem) {
    const missing = [!certPem && layout.machineCertFile, !keyPem && layout.machineKeyFile, !vaultCaPem && layout.vaultCaFile].filter(Boolean).join(', ');
    throw new SetupError('MachineCertificateMissing', `This server's vault certificate files are missing (${missing}). Register it again.`, {
      missing,
      ...nextStep('registerAgain'),
    });
  }
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(certPem);
  } catch {
    throw new SetupError('MachineCertificateMissing', `${layout.machineCertFile} is not a certificate. Register the server again.`, {
      missing: layout.machineCertFile,
      ...nextStep('registerAgain'),
    });
  }
  const fingerprint256 = x509.fingerprint256.replace(/:/g, '').toLowerCase();
  return { identity: new ClientCertificate(certPem, keyPem, fingerprint256), vaultCaPem, notAfter: new Date(x509.validTo) };
}

/** After unregistering: the key and certificate authenticate nothing any more. The id stays. */
export async function removeMachineCertificate(target: Target, layout: AgentLayout): Promise<void> {
  await removeOnTarget(target, layout.machineCertFile);
  await removeOnTarget(target, layout.machineKeyFile);
}
