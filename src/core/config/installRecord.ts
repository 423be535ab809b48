/**
 * The install record: a small JSON file in a fixed place per account on the target
 * (installRecordFile) naming the folder the agent was last set up in, so that status, change and
 * unregister find an install in a chosen folder without being told. It holds no secret. The
 * setup writes it after a successful registration and leaves it when unregistering: the install
 * stays, and its status is still worth reading there.
 */
import * as z from 'zod';
import { isSetupError, SetupError } from '../errors';
import { nextStep } from '../registration/errors';
import { mkdirOnTarget, readTargetText, writeTargetFile } from '../target/files';
import { pathOf } from '../target/paths';
import type { Target } from '../target/target';

const INSTALL_RECORD_VERSION = 1;

const installRecordSchema = z.strictObject({
  formatVersion: z.literal(INSTALL_RECORD_VERSION),
  installFolder: z.string().min(1),
  updatedAt: z.iso.datetime(),
});

type InstallRecord = z.output<typeof installRecordSchema>;

/** The recorded install folder; undefined when there is no record, a SetupError when it cannot be read or used. */
export async function readInstallRecord(target: Target, file: string): Promise<string | undefined> {
  let text: string | undefined;
  try {
    text = await readTargetText(target, file);
  } catch (err) {
    if (!isSetupError(err, 'TargetReadFailed')) throw err;
    const reason = String(err.params.reason);
    throw new SetupError('InstallRecordUnreadable', `The install record ${file} on ${target.label} could not be read (${reason}).`, { file, reason, ...nextStep('checkPermissions') }, { cause: err });
  }
  if (text === undefined) return undefined;
  const invalid = (why: string) =>
    new SetupError('InstallRecordInvalid', `The install record ${file} on ${target.label} is not valid (${why}). Give the install folder, or set the agent up again to rewrite it.`, {
      file,
      field: why,
      ...nextStep('chooseInstallFolder'),
    });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalid('not JSON');
  }
  const parsed = installRecordSchema.safeParse(json);
  if (!parsed.success) throw invalid(parsed.error.issues[0]?.path.join('.') || 'root');
  // A relative folder would resolve against wherever the next command runs: the record must not guess.
  if (!pathOf(target).isAbsolute(parsed.data.installFolder)) throw invalid('installFolder');
  return parsed.data.installFolder;
}

/** Records `installFolder` atomically, creating the record's folder (no secret in either: default access). */
export async function writeInstallRecord(target: Target, file: string, installFolder: string, now: Date): Promise<void> {
  const record: InstallRecord = { formatVersion: INSTALL_RECORD_VERSION, installFolder, updatedAt: now.toISOString() };
  await mkdirOnTarget(target, pathOf(target).dirname(file));
  await writeTargetFile(target, file, `${JSON.stringify(record, null, 2)}\n`);
}
