import { clipParam, SetupError } from '../errors';
import { nextStep } from '../nextActions';
import type { Target } from '../target/target';
import { ServiceCode } from './codes';

/** The most a vault takes for a server's name: a DNS name's length. */
export const MAX_SERVER_NAME_LENGTH = 253;

/** The name the admin gave, trimmed; undefined when none was (blank counts as none). */
export function givenServerName(given: string | undefined): string | undefined {
  return given?.trim() || undefined;
}

/**
 * The name a server registers under: the one given, else the target's host name. Refused
 * (ServerNameInvalid) when the vault would refuse it: before anything is installed, not at the
 * vault's answer after.
 */
export async function serverNameFor(target: Target, given: string | undefined, signal?: AbortSignal): Promise<string> {
  const name = givenServerName(given) ?? (await target.facts(signal)).hostname;
  if (name.length > MAX_SERVER_NAME_LENGTH || /\p{Cc}/u.test(name)) {
    // Escaped, so that a tab or a newline shows in the message rather than acting in it.
    const shown = clipParam(JSON.stringify(name).slice(1, -1));
    throw new SetupError(
      ServiceCode.ServerNameInvalid,
      `The server name "${shown}" cannot be registered: a vault takes at most ${MAX_SERVER_NAME_LENGTH} characters, and no control characters such as tabs.`,
      { serverName: shown, length: name.length, ...nextStep('chooseServerName') },
    );
  }
  return name;
}
