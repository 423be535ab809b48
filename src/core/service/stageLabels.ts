/**
 * Each stage the service reports, as the surfaces name it in their progress: in English here,
 * once, and translated by each surface's own l10n (the extension's bundle, the command line's).
 */
import type { ChangeStage, RegisterStage } from './types';
import type { UnregisterStage } from './unregister';

type Stage = RegisterStage | ChangeStage | UnregisterStage;

export const STAGE_LABELS: Readonly<Record<Stage, string>> = {
  validateCredentials: 'Checking the vault credentials',
  checkConnectivity: 'Checking the connection to the vault',
  checkCache: 'Checking the cache folder',
  checkPrerequisites: 'Checking prerequisites',
  installAgent: 'Downloading and installing the agent',
  savePassphrase: 'Saving the passphrase',
  checkFromServer: 'Checking the vault from the server',
  machineIdentity: 'Creating the machine identity',
  registerWithVault: 'Registering with the vault',
  writeCertificates: 'Writing the certificates',
  writeConfiguration: 'Writing the agent configuration',
  changePassphrase: 'Changing the passphrase at the vault',
  unregisterAtVault: 'Unregistering at the vault',
  removeMachineCertificate: 'Removing the machine certificate',
};

/** The English label of a stage, undefined for a name that is not one (an agent's own stage). */
export function stageLabelOf(stage: string): string | undefined {
  return Object.hasOwn(STAGE_LABELS, stage) ? STAGE_LABELS[stage as Stage] : undefined;
}
