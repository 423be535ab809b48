/**
 * A vault endpoint the user typed (the command line's --endpoint), checked as a credentials file's
 * IdMgmtRestEndpoint is: an https URL. Its own file, so that the service checks it without loading
 * the connectivity check's network code.
 */
import { clipParam, SetupError } from '../errors';

/** The endpoint as given, once it is an https URL; else VaultEndpointInvalid naming what was given. */
export function checkedEndpoint(text: string): string {
  const url = URL.canParse(text) ? new URL(text) : undefined;
  if (url?.protocol === 'https:' && url.hostname !== '') return text;
  throw new SetupError('VaultEndpointInvalid', `"${clipParam(text)}" is not a vault endpoint: give an https URL, such as https://host:port.`, { endpoint: clipParam(text) });
}
