/**
 * Every text the command line prints for a human, in English, and the language it prints them
 * in: the first non-empty of LC_ALL, LC_MESSAGES and LANG, Spanish when it starts with `es`
 * (es_ES.UTF-8, es), else English (C, POSIX, unset). The Spanish texts are keyed by the English
 * ones, as vscode.l10n.t's bundle is: l10n/cli.es.json for the command line's own, and
 * l10n/bundle.l10n.es.json for those the extension shows too (stage labels, next steps, the vault
 * service and agent names, the security PIN prompt). Errors with a code take their Spanish
 * template from l10n/errors.es.json (./spanish.ts loads the three into the bundle, only when Spanish
 * is chosen). --json output stays English: codes, params and the core's messages.
 */
import type { ErrorParams } from '../core/errors';
import { templatedMessage } from '../core/l10n/template';

export const CLI_STRINGS = {
  // The help (args.ts): its paragraphs, around the commands' usage lines.
  helpIntro: 'Backup agent setup: inspect vault credentials, check a server, register it with a vault.',
  helpUsage: 'Usage: backup-agent-setup <command> [options]     (in a checkout: npm run --silent cli -- <command>)',
  helpCommands: 'Commands:',
  helpOptions: `Proxy options: --proxy-mode off|settings|vscode|environment  --proxy-host HOST  --proxy-port PORT
               --proxy-user USER  --no-proxy HOST[,HOST…]  --proxy-password-stdin
Common options: --json (one JSON object on stdout)  --verbose  --help
Remote servers: --ssh takes a Host from ~/.ssh/config or [user@]host[:port]; it authenticates with
               the SSH agent (SSH_AUTH_SOCK) or key files without a passphrase, and checks the host
               key against ~/.ssh/known_hosts. A host not in it is refused unless
               --accept-new-host-key (its fingerprint is printed, then it is added).`,
  helpDetails: `Secrets never go in arguments: the passphrase comes from BACKUP_PASSPHRASE or --passphrase-stdin,
the proxy password from BACKUP_PROXY_PASSWORD or --proxy-password-stdin, an Azure access token
from --token-stdin, a MARS server's security PIN from --security-pin-stdin (with several, stdin's
lines are the passphrase, the proxy password, the token, the PIN, in that order).
MARS (an Azure vault's credentials file, a Windows server): register installs, registers and sets
the passphrase with the MARS agent (--mars-installer-download server|admin: who downloads
MARSAgentInstaller.exe, the server by default; --mars-microsoft-update: the installer's /m). The
security PIN comes from --security-pin-stdin, else from the vault while signed in to Azure
(--token-stdin, or an Azure CLI or environment sign-in), else it is asked on the terminal (not
echoed). status reads the server's registration at the vault and unregister removes it there,
through the same sign-in (--uninstall also uninstalls the agent with /d). A Linux server with an Azure file is refused (AgentNeedsWindows).
Azure: without --token-stdin, azure commands sign in as Azure's tools do (an Azure CLI login, else
a service principal in AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET), for Azure's own
Resource Manager only. --arm-endpoint names another one (the local vault's ARM emulator:
npm run vault -- arm-token gives its token), which takes only a token issued for it
(--token-stdin); --ca is trusted for that endpoint only. azure credentials writes a new
credentials file (0600, never over an existing one): every earlier file for that vault stops
working. A file from --arm-endpoint is the local vault's when inspect and register get the same
--arm-endpoint (status's and unregister's --ca is for that endpoint only). The vault's CA: --ca FILE or BACKUP_VAULT_CA (a file or PEM text),
trusted for the credentials file's (or --endpoint's) host:port only; status and unregister trust
the CA the vault returned at registration.
--data-size takes the size of the data to protect in bytes or with a unit (500GB, 1.5TB, 20G; binary,
1 GB = 1024³ bytes, as df -h shows), or folders on this computer to measure (./500GB for a folder
named like a size).
Without --install-folder, status and unregister use the install folder recorded on the server at
registration, else the default. Shell completion: eval "$(backup-agent-setup completion bash)" (or zsh).
Exit codes: 0 done, 1 refused or failed (the code is in the output), 2 usage (a malformed --ssh
destination too), 130 cancelled.`,

  // Usage errors.
  usage: 'Usage: {0}',
  unknownCommand: 'Unknown command "{0}". Run with --help for the commands.',
  unknownOption: 'Unknown option {0}.',
  optionNeedsValue: 'Option {0} needs a value.',
  optionTakesNoValue: 'Option {0} does not take a value.',
  installerRoute: '--mars-installer-download takes {0} or {1}, not "{2}".',
  noCompletion: 'No completion for "{0}": the shells are {1} and {2}.',
  secretArgument: '--{0} is not accepted: a secret on the command line can be read by other users in the process list. Use {1}.',
  secretPassphrase: 'BACKUP_PASSPHRASE or --passphrase-stdin',
  secretProxyPassword: 'BACKUP_PROXY_PASSWORD or --proxy-password-stdin',
  secretToken: '--token-stdin',
  secretSecurityPin: '--security-pin-stdin (or the prompt on a terminal)',
  unexpectedArguments: 'Unexpected arguments: {0}',
  dataSizeBoth: '--data-size takes either a size (bytes, or with a unit such as 500GB) or folders, not both ({0}).',
  sshUsage: 'Usage: --ssh [user@]host[:port] or a Host from ~/.ssh/config',
  endpointOrCredentials: 'Give either --endpoint URL or --credentials FILE.',
  lengthNumber: '--length takes a number of characters.',
  registerNeedsCredentials: 'register needs --credentials FILE.',
  registerNeedsPassphrase: 'register needs the passphrase, from BACKUP_PASSPHRASE or --passphrase-stdin.',
  credentialsNeedsOut: 'azure credentials needs --out DIR.',
  nameTheVault: 'Name the vault with --subscription ID --resource-group NAME --vault NAME (as the portal shows them).',
  tokenRequired: "{0} is not an Azure cloud's Resource Manager: it takes only a token issued for it, given with --token-stdin (for the local vault: npm run vault -- arm-token).",

  // Secrets and the CA (secrets.ts).
  expectedPassphrase: 'Expected the passphrase on stdin.',
  expectedProxyPassword: 'Expected the proxy password on stdin.',
  expectedToken: 'Expected the Azure access token on stdin.',
  expectedSecurityPin: 'Expected the security PIN on stdin.',
  emptyToken: 'The Azure access token on stdin is empty.',
  emptySecurityPin: 'The security PIN on stdin is empty.',
  stdinTooLarge: 'stdin is larger than the secrets it carries.',
  caNotPem: '{0} holds no PEM certificate.',
  caUnreadable: 'The CA file {0} cannot be read ({1}).',

  // How a failure is printed (output.ts, main.ts).
  error: 'Error [{0}]: {1}',
  warning: 'Warning: {0}',
  nextStep: 'Next step: {0}',
  path: 'Path:',
  cause: 'Cause:',
  cancelled: 'Cancelled.',
  unexpectedFailure: 'Unexpected failure: {0}',
  simulatedNote: 'Simulated server (a test double, not Windows): nothing it answered is a real result, and nothing was registered.',
  simulatedNotRegistered: '{0} is a simulated server: its answers are not a registration.',
  progress: '… {0}',
  progressPhase: '… {0} ({1})',

  // What a system error code means, for the errors that carry one (`params.reason`).
  ENOENT: 'it does not exist',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'it is a folder',
  ENOTDIR: 'a part of the path is not a folder',
  ELOOP: 'too many symbolic links',
  EBUSY: 'it is in use',
  EMFILE: 'too many open files',
  ENOSPC: 'no space left on the device',
  EROFS: 'the file system is read-only',
  notAFile: 'it is not a regular file',

  // The install's phases (the stages' labels are the core's STAGE_LABELS).
  phasePrerequisites: 'prerequisites',
  phaseUnpacking: 'unpacking',
  phaseVerifying: 'verifying',
  phaseMeasuringData: 'measuring the data',

  // SSH (commands.ts).
  hostKeyNew: 'The host key of {0} is new: {1} {2}.',
  hostKeyTrusted: 'Trusting it (--accept-new-host-key) and adding it to known_hosts.',
  hostKeyRefused: 'Refused: check the fingerprint, then run again with --accept-new-host-key.',

  // inspect.
  inspectTitle: 'Vault credentials {0}',
  labelVault: 'Vault:',
  vaultWhere: '{0} (resource group {1}, {2})',
  labelSubscription: 'Subscription:',
  labelEndpoint: 'Endpoint:',
  labelValidUntil: 'Valid until:',
  timeLeft: '{0} ({1} h {2} min left)',
  labelCertificate: 'Certificate:',

  // check-cache and check-connectivity.
  cacheTitle: 'Cache folder {0}: {1} ({2})',
  cacheNeeds: 'needs {0} bytes free',
  cacheNeedsAvailable: 'needs {0} bytes free, {1} available',
  connectivityTitle: 'Connectivity to {0}: {1}',
  connectivityThroughProxy: 'Connectivity to {0} through {1}: {2}',
  ok: 'OK',
  refused: 'refused',
  failed: 'failed',
  checkOk: 'ok',
  checkSkipped: 'skipped',
  checkFailed: 'failed',
  durationMs: '({0} ms)',

  // register.
  planTitle: 'Plan for {0}: register {1} with vault {2}',
  planChoice: '  Vault service: {0}; agent: {1}',
  planSecret: '(secret, 0600)',
  reviewPassphraseLocation: 'Review where the passphrase file goes, then re-run with --accept-passphrase-location to keep it there.',
  registered: 'Registered {0} with vault {1}.',
  registeredAgain: 'Registered again {0} with vault {1}.',
  labelRegistration: 'Registration:',
  labelMachine: 'Machine:',
  labelAgent: 'Agent:',
  agentIn: '{0} in {1}',
  labelCacheFolder: 'Cache folder:',
  labelConfiguration: 'Configuration:',
  labelPassphrase: 'Passphrase:',
  passphraseSaved: 'saved to {0}; keep a copy away from this server.',

  // status and unregister.
  state: 'State: {0}',
  stateWithVault: 'State: {0} (vault {1})',
  labelServer: 'Server:',
  labelInstall: 'Install:',
  noConfigurationThere: '{0} (no agent configuration there)',
  labelAtVault: 'At the vault:',
  atVaultUnknown: 'unknown [{0}] {1}',
  notRegisteredLeftovers: 'This server was not registered; leftovers removed.',
  unregistered: 'Unregistered: registration {0} is {1}.',

  // The Azure commands (azure.ts) and the MARS PIN (mars.ts).
  wroteCredentials: 'Wrote {0} (owner only).',
  earlierFilesStop: 'Every earlier credentials file for vault {0} no longer works. This one holds a private key and is valid for 48 hours: delete it once the servers are registered.',
  vaultServersOne: 'Vault {0} (resource group {1}): {2} registered server',
  vaultServersMany: 'Vault {0} (resource group {1}): {2} registered servers',
  serverAgent: 'agent {0}',
  serverItems: '{0} items',
  lastBackup: 'last backup {0} ({1})',
  statusUnknown: 'status unknown',
  noBackupYet: 'no backup yet',
  pinFromVaultFailed: "The vault's security-PIN operation for {0} failed, so the PIN is asked for: {1}",
} as const;

export type CliStringKey = keyof typeof CLI_STRINGS;

export type Locale = 'en' | 'es';

/** The language of the messages, as command-line tools choose it: LC_ALL, LC_MESSAGES, LANG. */
export function localeOf(env: NodeJS.ProcessEnv): Locale {
  const chosen = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((value) => value !== undefined && value !== '');
  return chosen !== undefined && /^es(?![a-z])/i.test(chosen) ? 'es' : 'en';
}

interface Spanish {
  texts: Readonly<Record<string, string>>;
  errors: Readonly<Record<string, string>>;
}

let spanish: Spanish | undefined;

/** Sets the language from `env`; the Spanish tables are loaded only when Spanish is chosen. */
export async function useLocale(env: NodeJS.ProcessEnv): Promise<Locale> {
  const locale = localeOf(env);
  spanish = locale === 'es' ? await import('./spanish') : undefined;
  return locale;
}

/** Whether the texts are translated (Spanish chosen): English prints Node's own messages as they are. */
export const translating = (): boolean => spanish !== undefined;

/** `{0}`, `{1}`… filled from `args`, as vscode.l10n.t fills them. */
function format(template: string, args: ReadonlyArray<string | number>): string {
  return template.replace(/\{(\d+)\}/g, (match, index: string) => {
    const value = args[Number(index)];
    return value === undefined ? match : String(value);
  });
}

/** An English text (a key of the Spanish tables) in the chosen language, its `{n}` filled. */
export function localise(english: string, ...args: Array<string | number>): string {
  return format(spanish?.texts[english] ?? english, args);
}

/** A text of CLI_STRINGS in the chosen language. */
export const t = (key: CliStringKey, ...args: Array<string | number>): string => localise(CLI_STRINGS[key], ...args);

/** A text of CLI_STRINGS in English: the message --json carries. */
export const en = (key: CliStringKey, ...args: Array<string | number>): string => format(CLI_STRINGS[key], args);

/** A message in both forms: English for --json, the chosen language for the text output. */
export interface Said {
  en: string;
  text: string;
}

export const say = (key: CliStringKey, ...args: Array<string | number>): Said => ({ en: en(key, ...args), text: t(key, ...args) });

/** Messages joined line by line, in both forms. */
export const lines = (...said: Said[]): Said => ({ en: said.map((s) => s.en).join('\n'), text: said.map((s) => s.text).join('\n') });

/**
 * An error with a code, in the chosen language: the code's template filled from its params, or
 * the core's English message when there is no template or it needs a param the error lacks.
 */
export function errorText(error: { code: string; message: string; params: ErrorParams }): string {
  return templatedMessage(spanish?.errors, error);
}

/** Label and value rows, the labels padded to one column (at least 15 wide, as the English aligns). */
export function rows(entries: ReadonlyArray<readonly [label: string, value: string]>, minWidth = 15, indent = '  '): string[] {
  const width = Math.max(minWidth, ...entries.map(([label]) => label.length + 1));
  return entries.map(([label, value]) => `${indent}${label.padEnd(width)}${value}`);
}
