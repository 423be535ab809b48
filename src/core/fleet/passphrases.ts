/**
 * Where each server's passphrase comes from and where it is kept (admin side). A shared one is
 * saved once before any server starts, so concurrent servers never race on its file. Per-server
 * ones are generated and each saved to its own 0600 file, never overwritten: a later run (a
 * retry) finds the file and uses the passphrase in it, so the file always holds the passphrase
 * the server was, or will be, registered with. (A server that never gets registered keeps its
 * file too: it holds no registration's secret, and deleting files is left to the admin.)
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { VaultCredentials } from '../credentials/model';
import { SetupError } from '../errors';
import { assessPassphraseLocation } from '../passphrase/location';
import { Secret } from '../secret';
import type { ConfirmPassphraseLocation, SetupService } from '../service';
import { checkPassphraseRules, requireLocationConfirmed, ensurePassphraseFile, reusablePassphraseFile } from '../service/passphrase';
import { nextStep } from '../registration/errors';
import { FleetCode, type FleetServer, type PassphrasePolicy } from './types';

/** Hands each server its passphrase and the file it is saved in. */
export interface PassphraseSource {
  forServer(server: FleetServer, service: SetupService, serverName: string): Promise<{ value: Secret; file?: string }>;
}

/**
 * Refuses what the single-server setup would refuse (the rules, an unconfirmed location) before
 * any server is contacted, and saves a shared passphrase's file.
 */
export async function preparePassphrases(
  policy: PassphrasePolicy,
  servers: FleetServer[],
  credentials: VaultCredentials,
  confirm: ConfirmPassphraseLocation | undefined,
): Promise<PassphraseSource> {
  if (policy.kind === 'shared') {
    checkPassphraseRules(policy.value);
    if (policy.file === undefined) return { forServer: async () => ({ value: policy.value }) };
    await confirmedLocation(policy.file, confirm);
    const file = await ensurePassphraseFile({
      file: policy.file,
      passphrase: policy.value,
      vaultName: credentials.vaultName,
      serverName: sharedServerLine(servers),
      now: new Date(),
    });
    return { forServer: async () => ({ value: policy.value, file }) };
  }

  const folder = path.resolve(policy.folder);
  const files = new Map(servers.map((s) => [s.key, path.join(folder, passphraseFileName(s))]));
  refuseClashes(files);
  await confirmedLocation(files.values().next().value!, confirm);
  await createFolder(folder);
  return {
    async forServer(server, service, serverName) {
      const file = files.get(server.key)!;
      // An earlier run's file for this server and vault: its passphrase is the one to keep using.
      const saved = await reusablePassphraseFile(file, (s) => s.vaultName === credentials.vaultName);
      if (saved) return { value: new Secret(saved.passphrase), file };
      const value = service.generatePassphrase();
      return { value, file: await ensurePassphraseFile({ file, passphrase: value, vaultName: credentials.vaultName, serverName, now: new Date() }) };
    },
  };
}

/** Created (0700) only once its location is confirmed, so a refused location leaves nothing behind. */
async function createFolder(folder: string): Promise<void> {
  try {
    await fs.mkdir(folder, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new SetupError(FleetCode.PassphraseFolderMissing, `The folder for the passphrase files does not exist and could not be created: ${folder}`, {
      folder,
      reason: (err as NodeJS.ErrnoException).code ?? 'unknown',
      ...nextStep('choosePassphraseFileLocation'),
    });
  }
}

/** `<serverName or key>.passphrase.txt`, with anything a file name should not hold replaced. */
function passphraseFileName(server: FleetServer): string {
  const name = (server.serverName?.trim() || server.key)
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^\.+/, '')
    .slice(0, 100);
  return `${name || '_'}.passphrase.txt`;
}

/** Two servers must not share a file; compared case-insensitively, as Windows and macOS folders are. */
function refuseClashes(files: Map<string, string>): void {
  const byName = new Map<string, string>();
  for (const [key, file] of files) {
    const other = byName.get(file.toLowerCase());
    if (other !== undefined) {
      throw new SetupError(FleetCode.PassphraseFileClash, `The servers ${other} and ${key} would save their passphrases to the same file ${file}; give them distinct server names.`, {
        file,
        servers: `${other},${key}`,
      });
    }
    byName.set(file.toLowerCase(), key);
  }
}

/** The location is judged by its folder, so one confirmation covers every file in it. */
async function confirmedLocation(file: string, confirm: ConfirmPassphraseLocation | undefined): Promise<void> {
  await requireLocationConfirmed(await assessPassphraseLocation(file), confirm);
}

/** The "Server:" line of a shared file: every server it protects. */
function sharedServerLine(servers: FleetServer[]): string {
  return servers.map((s) => s.serverName?.trim() || s.key).join(', ');
}
