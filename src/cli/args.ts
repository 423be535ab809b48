/**
 * The command line's grammar: commands, their options (node's parseArgs, strict), and the one
 * rule the CLI adds: secrets never come from arguments, which other users can read in a process
 * listing (agent facts §3). Usage errors are UsageErrors (exit code 2).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseSize } from '../core/cache/sizeText';
import { en, lines, localise, say, t, translating, type CliStringKey, type Said } from './strings';

/** A mistake in the command line: its message in English (what --json carries) and its text in the CLI's language. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly text: string;
  constructor(
    message: Said,
    readonly code = 'CliUsage',
  ) {
    super(message.en);
    this.text = message.text;
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
    usage: `check-cache <folder> --data-size <size | folders…> ${REMOTE_USAGE}`,
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
      'register --credentials FILE [--install-folder DIR] [--cache-folder DIR] [--data-size <size | folders…>] [--server-name NAME]\n' +
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

/** Options that would put a secret in the process arguments, and where the secret goes instead (a text of CLI_STRINGS). */
const SECRET_OPTIONS: Record<string, CliStringKey> = {
  passphrase: 'secretPassphrase',
  'proxy-password': 'secretProxyPassword',
  password: 'secretProxyPassword',
  pw: 'secretProxyPassword',
  token: 'secretToken',
  'access-token': 'secretToken',
  'security-pin': 'secretSecurityPin',
  pin: 'secretSecurityPin',
};

/** The first words of two-word commands ("passphrase generate", "azure servers"). */
export const COMMAND_GROUPS: ReadonlyMap<string, string[]> = Object.keys(COMMANDS).reduce((groups, name) => {
  const [group, sub] = name.split(' ');
  if (sub) groups.set(group!, [...(groups.get(group!) ?? []), sub]);
  return groups;
}, new Map<string, string[]>());

/** The help, in the CLI's language (the commands' usage lines are translated whole: l10n/cli.es.json). */
export function help(): string {
  return [
    t('helpIntro'),
    '',
    t('helpUsage'),
    '',
    t('helpCommands'),
    ...Object.values(COMMANDS).map((c) => `  ${localise(c.usage)}`),
    '',
    t('helpOptions'),
    '',
    t('helpDetails'),
  ].join('\n');
}

/** A command's usage line, for its --help. */
export const commandUsage = (command: CommandName): string => t('usage', `backup-agent-setup ${localise(COMMANDS[command].usage)}`);
const usageText = (command: CommandName): Said => ({ en: en('usage', COMMANDS[command].usage), text: t('usage', localise(COMMANDS[command].usage)) });


export function parseCommandLine(argv: readonly string[]): ParsedCommand | 'help' {
  rejectSecretArguments(argv);
  const [first, second] = argv;
  if (first === undefined || first === 'help' || first === '--help' || first === '-h') return 'help';
  const name = COMMAND_GROUPS.has(first) ? `${first} ${second ?? ''}` : first;
  if (!Object.hasOwn(COMMANDS, name)) throw new UsageError(say('unknownCommand', name.trim()));
  const command = name as CommandName;
  const spec = COMMANDS[command];
  let parsed;
  try {
    parsed = parseArgs({ args: argv.slice(command.split(' ').length), options: { ...COMMON, ...spec.options }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(lines(parseArgsError(err as NodeJS.ErrnoException), usageText(command)));
  }
  const values = parsed.values as ParsedCommand['values'];
  const [min, max] = spec.positionals;
  if (!values.help && (parsed.positionals.length < min || parsed.positionals.length > max)) {
    throw new UsageError(usageText(command));
  }
  const route = values['mars-installer-download'];
  if (typeof route === 'string' && !(INSTALLER_ROUTES as readonly string[]).includes(route)) {
    throw new UsageError(lines(say('installerRoute', ...INSTALLER_ROUTES, route), usageText(command)));
  }
  if (command === 'completion' && !values.help && !isShell(parsed.positionals[0])) {
    throw new UsageError(lines(say('noCompletion', String(parsed.positionals[0]), ...SHELLS), usageText(command)));
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
      const instead = say(SECRET_OPTIONS[name]!);
      throw new UsageError({ en: en('secretArgument', name, instead.en), text: t('secretArgument', name, instead.text) }, 'SecretInArguments');
    }
  }
}

/** `--data-size 1000000` or `--data-size 500GB` (core/cache/sizeText.ts), or `--data-size /srv/data [more folders…]`. */
export function dataToProtect(values: string[] | undefined, extraFolders: readonly string[]): { dataSizeBytes?: number; dataFolders?: string[] } {
  if (!values || values.length === 0) {
    if (extraFolders.length > 0) throw new UsageError(say('unexpectedArguments', extraFolders.join(' ')));
    return {};
  }
  const given = [...values, ...extraFolders];
  const size = given.length === 1 ? parseSize(given[0]!) : undefined;
  if (size !== undefined) return { dataSizeBytes: size };
  const sized = given.find((f) => parseSize(f) !== undefined);
  if (sized !== undefined) throw new UsageError(say('dataSizeBoth', sized));
  return { dataFolders: given };
}

/** Node's parseArgs refusal: its own English message, and the CLI's text of it by its code. */
function parseArgsError(err: NodeJS.ErrnoException): Said {
  const option = /'(-[^' ]+)/.exec(err.message)?.[1];
  const key =
    option === undefined
      ? undefined
      : err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
        ? 'unknownOption'
        : err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE'
          ? err.message.includes('does not take an argument')
            ? 'optionTakesNoValue'
            : 'optionNeedsValue'
          : undefined;
  return { en: err.message, text: key && option !== undefined && translating() ? t(key, option) : err.message };
}
