import type { Target } from '../target/target';

/** The name the admin gave, trimmed; undefined when none was (blank counts as none). */
export function givenServerName(given: string | undefined): string | undefined {
  return given?.trim() || undefined;
}

/** The name a server registers under: the one given, else the target's own host name. */
export async function serverNameFor(target: Target, given: string | undefined, signal?: AbortSignal): Promise<string> {
  return givenServerName(given) ?? (await target.facts(signal)).hostname;
}
