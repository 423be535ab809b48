/** How agent packages are named, as scripts/build-agent.mjs builds them and the vault serves them. */

/** The vault's version pattern. Versions become part of file names, so nothing else passes. */
export const AGENT_VERSION_PATTERN = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?$/;

/** The one top-level folder inside a package. */
export const PACKAGE_ROOT = 'backup-agent';

export const agentPackageName = (version: string) => `backup-agent-${version}.tar.gz`;
