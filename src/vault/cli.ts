/**
 * `npm run vault -- <command>`: run the local vault service, or administer its data folder
 * (through the running service when there is one, see session.ts).
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { isSetupError } from '../core/errors';
import { writeFileAtomic } from '../core/fs/atomic';
import { DATA_DIR_ENV, DEFAULT_DATA_DIR, openVaultAdmin, resolveDataDir, startVault, type VaultAdminSession } from './index';
import { prepareDataDir } from './layout';
import { batchedLogger } from './log';
import { bearerToken } from './tokens';
import { errorText, localise, useLocale } from '../cli/strings';
import { VAULT_CLI_STRINGS, type VaultCliStringKey } from './cliStrings';

/** A text of VAULT_CLI_STRINGS in the chosen language (LC_ALL, LC_MESSAGES, LANG). */
const t = (key: VaultCliStringKey, ...args: Array<string | number>): string => localise(VAULT_CLI_STRINGS[key], ...args);

const usage = (): string => t('usage', DATA_DIR_ENV, DEFAULT_DATA_DIR);

const ADMIN_COMMANDS = new Set(['create', 'list', 'credentials', 'security-pin', 'registrations', 'revoke', 'backup']);

class UsageError extends Error {}

const readArgs = () =>
  parseArgs({
    allowPositionals: true,
    options: {
      data: { type: 'string' },
      port: { type: 'string' },
      'admin-port': { type: 'string' },
      host: { type: 'string' },
      'agent-dir': { type: 'string' },
      'resource-group': { type: 'string' },
      subscription: { type: 'string' },
      location: { type: 'string' },
      out: { type: 'string' },
      'valid-hours': { type: 'string' },
      item: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });

/** The command line as main() read it, once the language was chosen (a refusal is a usage error in that language). */
interface Invocation {
  values: ReturnType<typeof readArgs>['values'];
  command: string | undefined;
  argument: string | undefined;
  dataDir: string;
}

function print({ values }: Invocation, result: unknown, text: string): void {
  console.log(values.json ? JSON.stringify(result, null, 2) : text);
}

function required({ command }: Invocation, value: string | undefined, what: string): string {
  if (!value) throw new UsageError(t('needs', command ?? '', what));
  return value;
}

function numberOption({ values }: Invocation, name: 'port' | 'admin-port' | 'valid-hours'): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(t('notANumber', name));
  return n;
}

async function serve(call: Invocation): Promise<void> {
  const { values, dataDir } = call;
  const logger = batchedLogger((text) => process.stdout.write(text), (text) => process.stderr.write(text));
  const agentDir = path.resolve(values['agent-dir'] ?? path.join('dist', 'agent'));
  if (!values['agent-dir']) await buildAgentIfMissing(agentDir);
  const vault = await startVault({
    dataDir,
    port: numberOption(call, 'port') ?? 8443,
    host: values.host,
    adminPort: numberOption(call, 'admin-port'),
    agentDir,
    logger,
  });
  const stop = () => {
    const exit = (code: number) => {
      logger.flush();
      process.exit(code);
    };
    vault.close().then(() => exit(0), () => exit(1));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** A checkout's `serve` builds the agent package it serves; a bundled vault only serves what it finds. */
async function buildAgentIfMissing(agentDir: string): Promise<void> {
  const script = path.resolve('scripts', 'build-agent.mjs');
  if (existsSync(path.join(agentDir, 'latest.json')) || !existsSync(script)) return;
  const { buildAgent } = (await import(pathToFileURL(script).href)) as { buildAgent(o: { outDir: string }): Promise<{ file: string }> };
  console.log(t('builtAgent', (await buildAgent({ outDir: agentDir })).file));
}

async function administer(admin: VaultAdminSession, call: Invocation): Promise<void> {
  const { values, argument } = call;
  switch (call.command) {
    case 'create': {
      const identity = await admin.createVault({
        name: required(call, argument, t('aVaultName')),
        resourceGroup: values['resource-group'],
        subscriptionId: values.subscription,
        location: values.location,
      });
      print(call, identity, t('created', identity.name, identity.subscriptionId, identity.resourceGroup, identity.location));
      return;
    }
    case 'list': {
      const vaults = await admin.listVaults();
      const lines = vaults.map(({ identity: id, ...v }) =>
        [id.name, `${id.subscriptionId}/${id.resourceGroup}`, id.location, t('machines', v.registeredMachines), v.credentials ? t('credentialsValidUntil', v.credentials.notAfter) : t('credentialsNeverIssued')].join('\t'),
      );
      print(call, vaults, lines.join('\n') || t('noVaults'));
      return;
    }
    case 'credentials': {
      const out = path.resolve(required(call, values.out, '--out <dir>'));
      const file = await admin.issueCredentials(required(call, argument, t('aVaultName')), { validHours: numberOption(call, 'valid-hours') });
      await fs.mkdir(out, { recursive: true });
      const target = path.join(out, file.fileName);
      // The file holds the certificate's private key.
      await writeFileAtomic(target, file.xml, { mode: 0o600 });
      const { xml: _xml, ...facts } = file;
      print(call, { ...facts, path: target }, t('wrote', target, file.notAfter.toISOString()));
      return;
    }
    case 'security-pin': {
      const pin = await admin.issueSecurityPin(required(call, argument, t('aVaultName')));
      print(call, pin, t('securityPin', pin.pin, pin.expiresAt.toISOString()));
      return;
    }
    case 'registrations': {
      const list = await admin.listRegistrations(required(call, argument, t('aVaultName')));
      print(call, list, list.map((r) => `${r.registrationId}\t${r.status}\t${r.serverName}\t${r.machineId}`).join('\n') || t('noRegistrations'));
      return;
    }
    case 'revoke': {
      const view = await admin.revokeRegistration(required(call, argument, t('aRegistrationId')));
      print(call, view, t('revoked', view.registrationId, view.serverName, view.status));
      return;
    }
    case 'backup': {
      const view = await admin.recordBackup(required(call, argument, t('aRegistrationId')), required(call, values.item, '--item <name>'));
      print(call, view, t('backedUp', view.serverName, values.item ?? '', view.backupItems.length));
      return;
    }
  }
}

function readInvocation(): Invocation {
  let parsed: ReturnType<typeof readArgs>;
  try {
    parsed = readArgs();
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals: [command, argument] } = parsed;
  return { values, command, argument, dataDir: resolveDataDir(values.data, process.env, process.cwd()) };
}

async function main(): Promise<void> {
  await useLocale(process.env);
  const call = readInvocation();
  const { values, command } = call;
  if (values.help || command === 'help') {
    console.log(usage());
    return;
  }
  if (command === 'serve') return serve(call);
  if (command === 'arm-token') {
    // A file of the folder, shared with a running service: no admin session needed.
    const token = await bearerToken((await prepareDataDir(call.dataDir)).armToken);
    print(call, { token }, token);
    return;
  }
  if (!ADMIN_COMMANDS.has(command ?? '')) throw new UsageError(command ? t('unknownCommand', command) : t('noCommand'));
  const admin = await openVaultAdmin(call.dataDir);
  try {
    await administer(admin, call);
  } finally {
    await admin.close();
  }
}

main().catch((err: unknown) => {
  if (err instanceof UsageError) {
    console.error(`${err.message}\n\n${usage()}`);
    process.exitCode = 2;
  } else {
    console.error(isSetupError(err) ? t('error', err.code, errorText(err)) : `error: ${(err as Error)?.stack ?? String(err)}`);
    process.exitCode = 1;
  }
});
