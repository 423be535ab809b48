/**
 * The command line's grammar: commands, their options (node's parseArgs, strict), and the one
 * rule the CLI adds: secrets never come from arguments, which other users can read in a process
 * listing (agent facts §3). Usage errors are UsageErrors (exit code 2).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    readonly code = 'CliUsage',
  ) {
    super(message);
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

export const COMMON: Options = {
  json: { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

const TRUST: Options = { ca: { type: 'string' } };

const PROXY: Options = {
  'proxy-mode': { type: 'string' },
  'proxy-host': { type: 'string' },
  'proxy-port': { type: 'string' },
  'proxy-user': { type: 'string' },
  'no-proxy': { type: 'string', multiple: true },
  'proxy-password-stdin': { type: 'boolean' },
};

const INSTALL: Options = { 'install-folder': { type: 'string' } };

/** A Resource Manager endpoint other than Azure's (the local vault's ARM emulator): files composed from it are the local vault's. */
const ARM_ENDPOINT: Options = { 'arm-endpoint': { type: 'string' } };

/** Which vault, by the names the portal shows, and how to sign in to its Resource Manager. */
const AZURE: Options = {
  subscription: { type: 'string' },
  'resource-group': { type: 'string' },
  vault: { type: 'string' },
  'token-stdin': { type: 'boolean' },
  ...ARM_ENDPOINT,
  ...TRUST,
  ...PROXY,
};
const AZURE_USAGE = '--subscription ID --resource-group NAME --vault NAME [--arm-endpoint URL [--ca FILE]] [--token-stdin] [proxy options]';

/** The server to work on: this one, or a remote one over SSH. */
const REMOTE: Options = { ssh: { type: 'string' }, 'accept-new-host-key': { type: 'boolean' } };
const REMOTE_USAGE = '[--ssh [user@]host[:port] [--accept-new-host-key]]';

/** Signing in to the Resource Manager where a MARS server's vault is reached (its PIN, its removal). */
const ARM_SIGN_IN: Options = { 'token-stdin': { type: 'boolean' }, ...ARM_ENDPOINT };

/**
 * The MARS agent's settings, as the extension's backupAgent.mars.* settings: who downloads
 * MARSAgentInstaller.exe (`server`, the default, or `admin`: this machine, then uploaded), and the
 * installer's `/m` (Microsoft Update). The PIN comes from stdin, never an argument.
 */
const MARS: Options = {
  'mars-installer-download': { type: 'string' },
  'mars-microsoft-update': { type: 'boolean' },
  'security-pin-stdin': { type: 'boolean' },
};
export const INSTALLER_ROUTES = ['server', 'admin'] as const;

export const COMMANDS = {
  inspect: { usage: 'inspect <credentials file> [--arm-endpoint URL]', positionals: [1, 1], options: { ...ARM_ENDPOINT } },
  'check-cache': {
    usage: `check-cache <folder> --data-size <bytes | folders…> ${REMOTE_USAGE}`,
    positionals: [1, Infinity],
    options: { 'data-size': { type: 'string', multiple: true }, ...REMOTE },
  },
  'check-connectivity': {
    usage: 'check-connectivity [--endpoint URL | --credentials FILE] [proxy options] [--ca FILE]',
    positionals: [0, 0],
    options: { endpoint: { type: 'string' }, credentials: { type: 'string' }, ...PROXY, ...TRUST },
  },
  'passphrase generate': { usage: 'passphrase generate [--length N]', positionals: [0, 0], options: { length: { type: 'string' } } },
  register: {
    usage:
      'register --credentials FILE [--install-folder DIR] [--cache-folder DIR] [--data-size <bytes | folders…>] [--server-name NAME]\n' +
      `         [--passphrase-file PATH] [--passphrase-stdin] [--accept-passphrase-location] [--dry-run] [proxy options] [--ca FILE] [--arm-endpoint URL] ${REMOTE_USAGE}\n` +
      '         [--mars-installer-download server|admin] [--mars-microsoft-update] [--security-pin-stdin] [--token-stdin]',
    positionals: [0, Infinity],
    options: {
      credentials: { type: 'string' },
      'cache-folder': { type: 'string' },
      'data-size': { type: 'string', multiple: true },
      'server-name': { type: 'string' },
      'passphrase-file': { type: 'string' },
      'passphrase-stdin': { type: 'boolean' },
      'accept-passphrase-location': { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      ...INSTALL,
      ...PROXY,
      ...TRUST,
      ...ARM_SIGN_IN,
      ...MARS,
      ...REMOTE,
    },
  },
  status: {
    usage: `status [--install-folder DIR] ${REMOTE_USAGE} [--arm-endpoint URL [--ca FILE]] [--token-stdin] [proxy options]`,
    positionals: [0, 0],
    // A MARS server's registration is the vault's to tell: read through the same sign-in as unregister.
    options: { ...INSTALL, ...REMOTE, ...ARM_SIGN_IN, ...TRUST, ...PROXY },
  },
  unregister: {
    usage: `unregister [--install-folder DIR] ${REMOTE_USAGE} [--uninstall] [--arm-endpoint URL [--ca FILE]] [--token-stdin] [proxy options]`,
    positionals: [0, 0],
    options: { ...INSTALL, ...REMOTE, ...ARM_SIGN_IN, ...TRUST, ...PROXY, uninstall: { type: 'boolean' } },
  },
  'azure credentials': {
    usage: `azure credentials ${AZURE_USAGE} --out DIR`,
    positionals: [0, 0],
    options: { ...AZURE, out: { type: 'string' } },
  },
  'azure servers': { usage: `azure servers ${AZURE_USAGE}`, positionals: [0, 0], options: { ...AZURE } },
  completion: { usage: 'completion bash|zsh', positionals: [1, 1], options: {} },
} satisfies Record<string, { usage: string; positionals: [number, number]; options: Options }>;

export type CommandName = keyof typeof COMMANDS;

export interface ParsedCommand {
  command: CommandName;
  positionals: string[];
  values: Record<string, string | boolean | string[] | undefined>;
}

/** Options that would put a secret in the process arguments, and where the secret goes instead. */
const SECRET_OPTIONS: Record<string, string> = {
  passphrase: 'BACKUP_PASSPHRASE or --passphrase-stdin',
  'proxy-password': 'BACKUP_PROXY_PASSWORD or --proxy-password-stdin',
  password: 'BACKUP_PROXY_PASSWORD or --proxy-password-stdin',
  pw: 'BACKUP_PROXY_PASSWORD or --proxy-password-stdin',
  token: '--token-stdin',
  'access-token': '--token-stdin',
  'security-pin': '--security-pin-stdin (or the prompt on a terminal)',
  pin: '--security-pin-stdin (or the prompt on a terminal)',
};

/** The first words of two-word commands ("passphrase generate", "azure servers"). */
export const COMMAND_GROUPS: ReadonlyMap<string, string[]> = Object.keys(COMMANDS).reduce((groups, name) => {
  const [group, sub] = name.split(' ');
  if (sub) groups.set(group!, [...(groups.get(group!) ?? []), sub]);
  return groups;
}, new Map<string, string[]>());

export const HELP = `Backup agent setup: inspect vault credentials, check a server, register it with a vault.

Usage: backup-agent-setup <command> [options]     (in a checkout: npm run --silent cli -- <command>)

Commands:
${Object.values(COMMANDS)
  .map((c) => `  ${c.usage}`)
  .join('\n')}

Proxy options: --proxy-mode off|settings|vscode|environment  --proxy-host HOST  --proxy-port PORT
               --proxy-user USER  --no-proxy HOST[,HOST…]  --proxy-password-stdin
Common options: --json (one JSON object on stdout)  --verbose  --help
Remote servers: --ssh takes a Host from ~/.ssh/config or [user@]host[:port]; it authenticates with
               the SSH agent (SSH_AUTH_SOCK) or key files without a passphrase, and checks the host
               key against ~/.ssh/known_hosts. A host not in it is refused unless
               --accept-new-host-key (its fingerprint is printed, then it is added).

Secrets never go in arguments: the passphrase comes from BACKUP_PASSPHRASE or --passphrase-stdin,
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
Without --install-folder, status and unregister use the install folder recorded on the server at
registration, else the default. Shell completion: eval "$(backup-agent-setup completion bash)" (or zsh).
Exit codes: 0 done, 1 refused or failed (the code is in the output), 2 usage (a malformed --ssh
destination too), 130 cancelled.`;

export function parseCommandLine(argv: readonly string[]): ParsedCommand | 'help' {
  rejectSecretArguments(argv);
  const [first, second] = argv;
  if (first === undefined || first === 'help' || first === '--help' || first === '-h') return 'help';
  const name = COMMAND_GROUPS.has(first) ? `${first} ${second ?? ''}` : first;
  if (!Object.hasOwn(COMMANDS, name)) throw new UsageError(`Unknown command "${name.trim()}". Run with --help for the commands.`);
  const command = name as CommandName;
  const spec = COMMANDS[command];
  let parsed;
  try {
    parsed = parseArgs({ args: argv.slice(command.split(' ').length), options: { ...COMMON, ...spec.options }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\nUsage: ${spec.usage}`);
  }
  const values = parsed.values as ParsedCommand['values'];
  const [min, max] = spec.positionals;
  if (!values.help && (parsed.positionals.length < min || parsed.positionals.length > max)) {
    throw new UsageError(`Usage: ${spec.usage}`);
  }
  const route = values['mars-installer-download'];
  if (typeof route === 'string' && !(INSTALLER_ROUTES as readonly string[]).includes(route)) {
    throw new UsageError(`--mars-installer-download takes ${INSTALLER_ROUTES.join(' or ')}, not "${route}".\nUsage: ${spec.usage}`);
  }
  if (command === 'completion' && !values.help && !isShell(parsed.positionals[0])) {
    throw new UsageError(`No completion for "${parsed.positionals[0]}": the shells are ${SHELLS.join(' and ')}.\nUsage: ${spec.usage}`);
  }
  return { command, positionals: parsed.positionals, values };
}

export const SHELLS = ['bash', 'zsh'] as const;
export type Shell = (typeof SHELLS)[number];
const isShell = (value: string | undefined): value is Shell => (SHELLS as readonly unknown[]).includes(value);

/** Refuses `--passphrase X`, `--proxy-password=X` and the like before anything else reads argv. */
function rejectSecretArguments(argv: readonly string[]): void {
  for (const arg of argv) {
    const name = /^--?([a-z-]+)(?:=|$)/i.exec(arg)?.[1]?.toLowerCase();
    if (name && Object.hasOwn(SECRET_OPTIONS, name)) {
      throw new UsageError(
        `--${name} is not accepted: a secret on the command line can be read by other users in the process list. Use ${SECRET_OPTIONS[name]}.`,
        'SecretInArguments',
      );
    }
  }
}

/** `--data-size 1000000`, or `--data-size /srv/data [more folders…]`. */
export function dataToProtect(values: string[] | undefined, extraFolders: readonly string[]): { dataSizeBytes?: number; dataFolders?: string[] } {
  if (!values || values.length === 0) {
    if (extraFolders.length > 0) throw new UsageError(`Unexpected arguments: ${extraFolders.join(' ')}`);
    return {};
  }
  if (values.length === 1 && extraFolders.length === 0 && /^\d+$/.test(values[0]!)) return { dataSizeBytes: Number(values[0]) };
  const folders = [...values, ...extraFolders];
  const numeric = folders.find((f) => /^\d+$/.test(f));
  if (numeric !== undefined) throw new UsageError(`--data-size takes either a size in bytes or folders, not both (${numeric}).`);
  return { dataFolders: folders };
}
