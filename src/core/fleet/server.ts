/**
 * One server of a fleet, once its target is open: left alone when its configuration already
 * records a registration with this vault, otherwise registered exactly as the single-server
 * setup does (the same SetupService.register, so the same stages, refusals and guarantees).
 */
import type { SetupService } from '../service';
import { sameVault } from '../service/prepare';
import type { PassphraseSource } from './passphrases';
import { folderForServer, type AgentFolders } from './folders';
import type { FleetFile } from './plan';
import { FleetCode, type FleetInput, type FleetServer, type ServerRow } from './types';

export interface ServerJob {
  server: FleetServer;
  service: SetupService;
  input: FleetInput;
  /** The run's credentials file this server takes (plan.ts). */
  file: FleetFile;
  passphrases: PassphraseSource;
  /** The folders of this server's agent (FleetOptions.foldersFor), before FleetInput's. */
  folders?: AgentFolders;
  signal: AbortSignal;
  /** Records what is known so far (stage, passphrase file, server name). */
  note(change: Partial<ServerRow>): void;
}

export type ServerOutcome = Pick<ServerRow, 'registrationId' | 'serverName' | 'reason'> & { state: 'registered' | 'skipped' };

export async function setUpServer(job: ServerJob): Promise<ServerOutcome> {
  const { server, service, input, signal } = job;
  const { credentials } = job.file;
  const installFolder = server.installFolder ?? folderForServer(job.folders?.installFolder, server.key) ?? input.installFolder;
  const cacheFolder = folderForServer(job.folders?.cacheFolder, server.key) ?? input.cacheFolder;
  const status = await service.status({ installFolder, signal, askVault: false });
  const { config } = status;
  if (config?.registration && config.vault && sameVault(config.vault, credentials)) {
    return {
      state: 'skipped',
      registrationId: config.registration.id,
      serverName: config.serverName,
      reason: {
        code: FleetCode.AlreadyRegistered,
        message: `Already registered with vault ${config.vault.name} (registration ${config.registration.id}); left as it is.`,
        params: { vault: config.vault.name, registrationId: config.registration.id, installFolder: status.installFolder },
      },
    };
  }

  const serverName = await service.serverName(server.serverName, { signal });
  const passphrase = await job.passphrases.forServer(server, service, serverName);
  job.note({ serverName, ...(passphrase.file ? { passphraseFile: passphrase.file } : {}) });
  const result = await service.register(
    {
      credentialsFile: job.file.file,
      installFolder,
      cacheFolder,
      dataSizeBytes: input.dataSizeBytes,
      proxy: input.proxy,
      passphrase: { value: passphrase.value },
      serverName,
    },
    { signal, onProgress: (stage) => job.note({ stage }) },
  );
  return { state: 'registered', registrationId: result.registrationId, serverName: result.serverName };
}
