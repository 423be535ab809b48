/**
 * Commands that work on one remote server run the palette's own flows over a short-lived session
 * bound to that server (the window's session keeps its own server); closing it closes the
 * connection. Registrations made through it are recorded in the Servers list.
 */
import { SetupError, type SshTarget } from '../../../core/service';
import { showError, type FeatureContext } from '../context';
import type { ServerStore } from '../servers/store';
import type { SetupSession } from '../session/types';
import { remoteSessionTarget, type TargetPlace } from '../session/target';
import { pickAndConnect } from './choose';

/** Asks for a server and connects; undefined when cancelled or refused (the refusal shown, with Retry). */
export async function connectChosen(f: FeatureContext, title: string): Promise<SshTarget | undefined> {
  try {
    return await pickAndConnect(f.session, f.ui(), title);
  } catch (err) {
    if (!(err instanceof SetupError)) throw err;
    let retried: SshTarget | undefined;
    await showError(f, err, async () => (retried = await connectChosen(f, title)));
    return retried;
  }
}

export async function withRemoteSession<T>(
  f: FeatureContext,
  servers: ServerStore,
  target: SshTarget,
  place: Partial<TargetPlace>,
  work: (remote: FeatureContext & { session: SetupSession }) => Promise<T>,
): Promise<T> {
  const session = f.session.forTarget(remoteSessionTarget(target, place));
  const tracking = servers.track(session);
  try {
    await session.ready;
    return await work({ ...f, session });
  } finally {
    tracking.dispose();
    session.dispose();
  }
}
