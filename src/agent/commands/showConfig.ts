import type { AgentContext } from '../context';

/**
 * The configuration as stored, plus whether each identity file is there (never its contents).
 * The passphrase verifier is shown only as the date it was set: a hash invites guessing.
 */
export async function showConfig(ctx: AgentContext): Promise<Record<string, unknown>> {
  const { target, layout, config } = ctx;
  const describe = async (file: string | null) => {
    if (!file) return 'none';
    const stat = await target.stat(file);
    return stat ? `${file} (mode ${stat.mode.toString(8).padStart(4, '0')})` : `${file} (missing)`;
  };
  return {
    configFile: layout.configFile,
    ...config,
    passphrase: config.passphrase ? { setAt: config.passphrase.setAt } : null,
    files: {
      machineKey: await describe(layout.machineKeyFile),
      machineCertificate: await describe(layout.machineCertFile),
      vaultCa: await describe(layout.vaultCaFile),
      proxyPassword: await describe(config.proxy.passwordFile),
    },
  };
}
