/** The fleet's shape, refused before anything else (and before any server is contacted). */
import { SetupError } from '../errors';
import { DEFAULT_FLEET_CONCURRENCY, FLEET_MACHINE_LIMIT, FleetCode, MAX_FLEET_CONCURRENCY, type FleetInput } from './types';

/** Checks the servers and the concurrency; returns the concurrency to use. */
export function validateFleetShape(input: FleetInput): number {
  const count = input.servers.length;
  if (count === 0) throw new SetupError(FleetCode.Empty, 'Choose at least one server.', {});
  if (count > FLEET_MACHINE_LIMIT) {
    throw new SetupError(FleetCode.TooLarge, `A fleet takes at most ${FLEET_MACHINE_LIMIT} servers (a vault's limit); ${count} were chosen. Split them across vaults.`, {
      count,
      limit: FLEET_MACHINE_LIMIT,
    });
  }
  const seen = new Set<string>();
  for (const { key } of input.servers) {
    if (seen.has(key)) throw new SetupError(FleetCode.DuplicateServer, `The server ${key} is in the fleet twice.`, { key });
    seen.add(key);
  }
  const concurrency = input.concurrency ?? DEFAULT_FLEET_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_FLEET_CONCURRENCY) {
    throw new SetupError(FleetCode.InvalidConcurrency, `Work on 1 to ${MAX_FLEET_CONCURRENCY} servers at once (a whole number), not ${concurrency}.`, {
      concurrency,
      max: MAX_FLEET_CONCURRENCY,
    });
  }
  return concurrency;
}
