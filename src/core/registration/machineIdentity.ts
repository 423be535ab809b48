/**
 * The machine's identity on the target: an id created once per install, and an RSA key whose
 * public half the vault certifies. Both are on disk before anything is sent, so a retry after
 * any failure (even one where the vault registered the machine and we never heard back) presents
 * the same id, which the vault answers with the same registration.
 */
import { createPrivateKey, createPublicKey, generateKeyPair, randomUUID } from 'node:crypto';
import { inspect, promisify } from 'node:util';
import type { AgentLayout } from '../config/layout';
import type { Logger } from '../log';
import type { Target } from '../target/target';
import { mkdirOnTarget, readTargetText, writeTargetFile } from '../target/files';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const MACHINE_KEY_BITS = 2048;
const generateKeyPairAsync = promisify(generateKeyPair);

/** The machine's private key: kept out of JSON and inspect output, handed only to TLS and the CSR signer. */
export class MachineKey {
  readonly #privateKeyPem: string;

  constructor(
    privateKeyPem: string,
    readonly publicKeyPem: string,
  ) {
    this.#privateKeyPem = privateKeyPem;
  }

  /** PKCS#8 PEM. Secret. */
  get privateKeyPem(): string {
    return this.#privateKeyPem;
  }

  toJSON(): { publicKeyPem: string } {
    return { publicKeyPem: this.publicKeyPem };
  }

  [inspect.custom](): string {
    return 'MachineKey { [private key redacted] }';
  }
}

export interface MachineIdentity {
  machineId: string;
  key: MachineKey;
  /** What this call created (false: reused from an earlier run). */
  created: { machineId: boolean; key: boolean };
}

/**
 * The install's machine id and key, created on first use. `knownMachineId` (from the agent
 * configuration) restores a lost or damaged id file rather than minting a new identity.
 */
export async function ensureMachineIdentity(
  target: Target,
  layout: AgentLayout,
  logger: Logger,
  knownMachineId?: string,
): Promise<MachineIdentity> {
  await mkdirOnTarget(target, layout.configDir, { private: true });
  const id = await ensureMachineId(target, layout, logger, knownMachineId);
  const key = await ensureMachineKey(target, layout, logger);
  return { machineId: id.machineId, key: key.key, created: { machineId: id.created, key: key.created } };
}

/** The stored machine id, if the file holds one. */
export async function readMachineId(target: Target, layout: AgentLayout): Promise<string | undefined> {
  const text = (await readTargetText(target, layout.machineIdFile))?.trim();
  return text && UUID.test(text) ? text.toLowerCase() : undefined;
}

async function ensureMachineId(target: Target, layout: AgentLayout, logger: Logger, known?: string): Promise<{ machineId: string; created: boolean }> {
  const stored = await readMachineId(target, layout);
  if (stored) return { machineId: stored, created: false };
  const machineId = known && UUID.test(known) ? known.toLowerCase() : randomUUID();
  await writeTargetFile(target, layout.machineIdFile, `${machineId}\n`);
  logger.info(known ? `Restored the machine id file from the agent configuration (${machineId}).` : `Created machine id ${machineId}.`);
  return { machineId, created: !known };
}

async function ensureMachineKey(target: Target, layout: AgentLayout, logger: Logger): Promise<{ key: MachineKey; created: boolean }> {
  const stat = await target.stat(layout.machineKeyFile);
  const existing = stat?.kind === 'file' ? usableKey(await readTargetText(target, layout.machineKeyFile)) : undefined;
  if (existing) {
    // A key that others can read is no longer private to this machine's registration: rewrite it private.
    if (target.pathStyle === 'posix' && !stat!.private) {
      await writeTargetFile(target, layout.machineKeyFile, existing.privateKeyPem, { private: true });
      logger.warn(`Tightened the permissions of ${layout.machineKeyFile} to owner-only.`);
    }
    return { key: existing, created: false };
  }
  const { publicKey, privateKey } = await generateKeyPairAsync('rsa', {
    modulusLength: MACHINE_KEY_BITS,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  await writeTargetFile(target, layout.machineKeyFile, privateKey, { private: true });
  logger.info(`Created the machine key (RSA-${MACHINE_KEY_BITS}) in ${layout.machineKeyFile}.`);
  return { key: new MachineKey(privateKey, publicKey), created: true };
}

/** An RSA key of at least MACHINE_KEY_BITS, or undefined for anything else (then a new one is made). */
function usableKey(pem: string | undefined): MachineKey | undefined {
  if (!pem) return undefined;
  try {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== 'rsa' || (key.asymmetricKeyDetails?.modulusLength ?? 0) < MACHINE_KEY_BITS) return undefined;
    return new MachineKey(pem, createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString());
  } catch {
    return undefined;
  }
}
