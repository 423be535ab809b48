/** The agent's version: the package name, latest.json and the vault's download route carry it. */
export const AGENT_VERSION = '1.1.0';
