/**
 * What a setup will change on the target, read from the target without touching it.
 */
import { pathOf } from '../target/paths';
import type { Target } from '../target/target';
import type { PreparedSetup } from './prepare';
import type { PlannedChange, SetupPlan } from './types';

export async function buildPlan(target: Target, prepared: PreparedSetup): Promise<SetupPlan> {
  const { layout } = prepared;
  const changes: PlannedChange[] = [];
  const exists = async (path: string) => (await target.stat(path)) !== undefined;
  const folder = async (path: string) => {
    if (!(await exists(path))) changes.push({ kind: 'createFolder', path });
  };
  const file = async (path: string, options: { secret?: boolean; keepExisting?: boolean } = {}) => {
    const present = await exists(path);
    if (present && options.keepExisting) return;
    changes.push({ kind: present ? 'replaceFile' : 'writeFile', path, ...(options.secret ? { secret: true } : {}) });
  };

  await folder(prepared.installFolder);
  await folder(layout.configDir);
  await folder(prepared.cacheFolder);
  changes.push({ kind: 'installAgent', path: layout.agentDir });
  if (prepared.passphraseFile?.state === 'absent') changes.push({ kind: 'writeFile', path: prepared.passphraseFile.file, secret: true });
  // Identity files are created once and then kept (see registration/machineIdentity.ts).
  await file(layout.machineIdFile, { keepExisting: true });
  await file(layout.machineKeyFile, { secret: true, keepExisting: true });
  changes.push({ kind: prepared.registeredHere ? 'registerAgain' : 'register' });
  await file(layout.machineCertFile);
  await file(layout.vaultCaFile);
  if (prepared.agentProxy.proxy.passwordFile) await file(prepared.agentProxy.proxy.passwordFile, { secret: true });
  await file(layout.configFile);
  await folder(pathOf(target).dirname(prepared.recordFile));
  await file(prepared.recordFile);

  return {
    target: { id: target.id, label: target.label },
    credentials: prepared.summary,
    backend: prepared.choice.backend,
    agent: prepared.choice.agent,
    serverName: prepared.serverName,
    installFolder: prepared.installFolder,
    cacheFolder: prepared.cacheFolder,
    layout,
    proxy: prepared.agentProxy.proxy,
    machineId: prepared.machineId,
    registrationId: prepared.registeredHere ? prepared.config?.registration?.id : undefined,
    changes,
    warnings: prepared.warnings,
  };
}
