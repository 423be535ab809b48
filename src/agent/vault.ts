/**
 * The agent's calls to the vault about its own registration: mutual TLS with the machine
 * certificate and key from the install folder, the vault CA as the only trust, through the
 * configured proxy.
 */
import { z } from 'zod';
import { SetupError } from '../core/errors';
import { createDispatcher } from '../core/http/dispatcher';
import { requestJson } from '../core/http/request';
import { describeProxy } from '../core/proxy/resolve';
import type { Target } from '../core/target/target';
import type { AgentContext } from './context';
import { agentProxy } from './proxy';

const MAX_PEM_BYTES = 64 * 1024;

const registrationSchema = z.object({
  registrationId: z.string(),
  status: z.string(),
  vault: z.string(),
  machineId: z.string(),
  serverName: z.string(),
  registeredAt: z.string(),
  certificateNotAfter: z.string(),
});
export type VaultRegistration = z.output<typeof registrationSchema>;

export interface RegistrationAnswer {
  registration: VaultRegistration;
  /** `direct`, or the proxy (without its password) the call went through. */
  via: string;
}

/** GET reads the registration, DELETE unregisters it; both answer with the registration. */
export async function callRegistration(ctx: AgentContext, method: 'GET' | 'DELETE'): Promise<RegistrationAnswer> {
  const { target, layout, config } = ctx;
  if (!config.registration || !config.vault) {
    throw new SetupError('AgentNotRegistered', 'This server is not registered with a vault.', {});
  }
  const endpoint = config.vault.endpoint;
  const resolution = await agentProxy(target, config.proxy, endpoint);
  const dispatcher = createDispatcher({
    proxy: resolution.proxy,
    tls: {
      ca: await readIdentityFile(target, layout.vaultCaFile, 'vault CA certificate'),
      cert: await readIdentityFile(target, layout.machineCertFile, 'machine certificate'),
      key: await readIdentityFile(target, layout.machineKeyFile, 'machine key'),
      rejectUnauthorized: resolution.strictSSL,
    },
  });
  try {
    const base = endpoint.endsWith('/') ? endpoint : `${endpoint}/`;
    const url = new URL(`v1/registrations/${encodeURIComponent(config.registration.id)}`, base);
    const { data } = await requestJson(dispatcher, url, { method, schema: registrationSchema });
    return { registration: data, via: resolution.proxy ? describeProxy(resolution.proxy) : 'direct' };
  } finally {
    await dispatcher.close();
  }
}

async function readIdentityFile(target: Target, file: string, what: string): Promise<Buffer> {
  if ((await target.stat(file))?.kind !== 'file') {
    throw new SetupError('AgentIdentityFileMissing', `The ${what} ${file} is missing: register this server again.`, { file, what });
  }
  return target.readFile(file, MAX_PEM_BYTES);
}
