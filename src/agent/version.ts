import { loadCredentialsParser } from '../core/credentials/inspect';
import { loadUndici } from '../core/http/undici';

/** The agent's version: the package name, latest.json and the vault's download route carry it. */
export const AGENT_VERSION = '1.1.0';

/**
 * Loads what the agent otherwise loads on first use (undici, the credentials parser with
 * node-forge). The setup runs the staged agent's `--version` before putting it in place, so the
 * version is printed only once every part has loaded on this server's Node, not its entry alone.
 */
export async function loadEveryPart(): Promise<void> {
  await Promise.all([loadUndici(), loadCredentialsParser()]);
}
