/**
 * The agent configuration: versioned JSON on the target, validated on every read, written
 * atomically. It holds no secret: the passphrase only as a salted scrypt verifier, the proxy
 * password only as the path of its 0600 file.
 */
import * as z from 'zod';
import { SetupError } from '../errors';
import { verifierSchema } from '../passphrase/verifier';
import type { Target } from '../target/target';
import type { AgentLayout } from './layout';
import { agentProxySchema } from './agentProxy';

export type { AgentProxy } from './agentProxy';

export const AGENT_CONFIG_VERSION = 1;
const MAX_CONFIG_BYTES = 256 * 1024;
const isoDate = z.iso.datetime();

export const agentConfigSchema = z.strictObject({
  formatVersion: z.literal(AGENT_CONFIG_VERSION),
  machineId: z.uuid(),
  serverName: z.string().min(1),
  agentVersion: z.string().nullable(),
  installFolder: z.string(),
  cacheFolder: z.string(),
  proxy: agentProxySchema,
  vault: z
    .strictObject({
      name: z.string(),
      subscriptionId: z.string(),
      resourceGroup: z.string(),
      location: z.string(),
      resourceId: z.string(),
      endpoint: z.url(),
    })
    .nullable(),
  registration: z
    .strictObject({
      id: z.string(),
      registeredAt: isoDate,
      // Absent for MARS, whose certificate is its own and not reported.
      machineCertificateNotAfter: isoDate.optional(),
    })
    .nullable(),
  passphrase: z
    .strictObject({
      verifier: verifierSchema,
      setAt: isoDate,
    })
    .nullable(),
  updatedAt: isoDate,
});

export type AgentConfig = z.output<typeof agentConfigSchema>;

/** The configuration as results show it: the passphrase verifier reduced to when it was set (a hash invites guessing). */
export const publicConfigSchema = agentConfigSchema.extend({ passphrase: z.strictObject({ setAt: isoDate }).nullable() });
export type PublicAgentConfig = z.output<typeof publicConfigSchema>;

export function publicConfig(config: AgentConfig): PublicAgentConfig {
  return { ...config, passphrase: config.passphrase && { setAt: config.passphrase.setAt } };
}

/** Reads the configuration; undefined when there is none yet, a SetupError when it is damaged. */
export async function readAgentConfig(target: Target, layout: AgentLayout): Promise<AgentConfig | undefined> {
  if (!(await target.stat(layout.configFile))) return undefined;
  let json: unknown;
  try {
    json = JSON.parse((await target.readFile(layout.configFile, MAX_CONFIG_BYTES)).toString('utf8'));
  } catch (err) {
    throw new SetupError('AgentConfigCorrupt', `The agent configuration ${layout.configFile} cannot be read as JSON.`, { file: layout.configFile }, { cause: err });
  }
  const parsed = agentConfigSchema.safeParse(json);
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path.join('.') ?? '';
    throw new SetupError('AgentConfigCorrupt', `The agent configuration ${layout.configFile} is not valid (${field || 'root'}).`, { file: layout.configFile, field });
  }
  return parsed.data;
}

export async function writeAgentConfig(target: Target, layout: AgentLayout, config: AgentConfig): Promise<void> {
  const valid = agentConfigSchema.parse(config);
  await target.mkdir(layout.configDir, { private: true });
  await target.writeFileAtomic(layout.configFile, `${JSON.stringify(valid, null, 2)}\n`);
}
