import type { Target } from '../target/target';

/** The name a server registers under: the one given (trimmed), else the target's own host name. */
export async function serverNameFor(target: Target, given: string | undefined, signal?: AbortSignal): Promise<string> {
  return given?.trim() || (await target.facts(signal)).hostname;
}
