/** The setup session of a window, for every surface (wizard, commands, webview, status bar). */
export type { SetupSession, SessionSnapshot, SessionHost, SetupChoices, Checked, PassphraseState, ProgressReporter } from './types';
export type { ServiceFactory } from './activeTarget';
export type { ChosenPassphrase } from './passphraseKeeper';
export { Session } from './session';
export { VaultTrust } from './trust';
