/**
 * Tests only: the --ssh destinations that are a simulated Windows shell (test/support/
 * simulatedWindowsSshd.ts: canned answers, not Windows), named in BACKUP_AGENT_SIMULATED_SERVERS
 * (comma-separated, as given to --ssh), as the fleet's FleetOptions.isSimulated names them. Their
 * outputs are labelled simulated and a register there is never reported as done: the variable
 * can only take a success away, never make one.
 */
export const SIMULATED_SERVERS_ENV = 'BACKUP_AGENT_SIMULATED_SERVERS';

export function isSimulatedServer(env: NodeJS.ProcessEnv, ssh: string | undefined): boolean {
  if (!ssh) return false;
  return (env[SIMULATED_SERVERS_ENV] ?? '')
    .split(',')
    .map((s) => s.trim())
    .includes(ssh);
}
