/**
 * Every text `backup-vault` prints for a human, in English; the Spanish is in l10n/cli.es.json
 * beside the other command line's, translated by the same means (src/cli/strings.ts). --json
 * prints the results as they are.
 */
export const VAULT_CLI_STRINGS = {
  usage: `Usage: npm run vault -- <command> [options]

Commands:
  serve [--port 8443] [--admin-port 0] [--host 127.0.0.1] [--agent-dir dist/agent]
  create <name> [--resource-group RG] [--subscription GUID] [--location LOC]
  list
  credentials <name> --out <dir> [--valid-hours 48]
  security-pin <name>
  registrations <name>
  revoke <registration-id>
  backup <registration-id> --item <name>
  arm-token

Every command takes --data <dir>: the data folder (default: \${0}, else ./{1}),
and --json to print its result as JSON. Admin commands go through the running service's admin API
when one serves the folder, and work on the folder's files otherwise.`,
  needs: '{0} needs {1}.',
  aVaultName: 'a vault name',
  aRegistrationId: 'a registration id',
  notANumber: '--{0} must be a number.',
  unknownCommand: 'Unknown command {0}.',
  noCommand: 'No command given.',
  error: 'error {0}: {1}',
  builtAgent: 'built agent package {0}',
  created: 'created vault {0} (subscription {1}, resource group {2}, location {3})',
  machines: '{0} machine(s)',
  credentialsValidUntil: 'credentials valid until {0}',
  credentialsNeverIssued: 'credentials never issued',
  noVaults: 'no vaults',
  wrote: 'wrote {0} (valid until {1}; earlier files of this vault no longer work)',
  securityPin: 'security PIN {0} (single use, valid until {1})',
  noRegistrations: 'no registrations',
  revoked: 'registration {0} of {1} is {2}',
  backedUp: '{0} backed up {1} ({2} backup item(s))',
} as const;

export type VaultCliStringKey = keyof typeof VAULT_CLI_STRINGS;
