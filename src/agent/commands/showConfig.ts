import { publicConfig } from '../../core/config/agentConfig';
import type { AgentContext } from '../context';

/**
 * The configuration as stored, plus whether each identity file is there (never its contents).
 * The passphrase verifier is shown only as the date it was set (publicConfig).
 */
export async function showConfig(ctx: AgentContext): Promise<Record<string, unknown>> {
  const { target, layout, config } = ctx;
  const describe = async (file: string | null) => {
    if (!file) return 'none';
    const stat = await target.stat(file);
    return stat ? `${file} (${stat.private ? 'owner only' : 'readable by others'})` : `${file} (missing)`;
  };
  return {
    configFile: layout.configFile,
    ...publicConfig(config),
    files: {
      machineKey: await describe(layout.machineKeyFile),
      machineCertificate: await describe(layout.machineCertFile),
      vaultCa: await describe(layout.vaultCaFile),
      proxyPassword: await describe(config.proxy.passwordFile),
    },
  };
}
