export { createMachineCsr } from './csr';
export { NEXT_ACTIONS, actionOf, withNextStep, type NextAction, type VaultRefusalCode } from './errors';
export { ensureMachineIdentity, readMachineId, MachineKey, MACHINE_KEY_BITS, type MachineIdentity } from './machineIdentity';
export { readMachineCertificate, removeMachineCertificate, writeMachineCertificate, type StoredMachineCertificate } from './machineCertificate';
export { guardTargetWrite, mkdirOnTarget, readTargetText, removeOnTarget, targetWriteError, writeTargetFile } from '../target/files';
export { SECURITY_PIN, type RegistrationGrant, type RegistrationRequest, type RemoteRegistration } from './vaultApi';
export { VaultClient, trustedCas, type VaultClientOptions, type VaultNetworkOptions } from './vaultClient';
