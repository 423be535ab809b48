/**
 * The server a session sets up: this one, whose folders are the (machine-scoped) settings, or a
 * remote one reached over SSH, whose install folder, cache folder and server name belong to that
 * server and are held with it, never written to this machine's settings.
 */
import { thisMachineTarget, type SshTarget, type Target } from '../../../core/service';
import { readSettings, writeSetting } from '../settings';

export interface TargetPlace {
  /** Empty: the platform's default. */
  installFolder: string;
  /** Empty: the default under the install folder. */
  cacheFolder: string;
  /** Empty: the target's host name. */
  serverName: string;
}

interface TargetWithPlace {
  place(): TargetPlace;
  /** Keeps the given parts (trimmed); the rest stays. */
  setPlace(place: Partial<TargetPlace>): Promise<void>;
}

export interface LocalSessionTarget extends TargetWithPlace {
  readonly kind: 'local';
  readonly target: Target;
}

export interface RemoteSessionTarget extends TargetWithPlace {
  readonly kind: 'ssh';
  readonly target: SshTarget;
}

export type SessionTarget = LocalSessionTarget | RemoteSessionTarget;

const trimmed = (place: Partial<TargetPlace>): Partial<TargetPlace> =>
  Object.fromEntries(Object.entries(place).filter(([, v]) => v !== undefined).map(([k, v]) => [k, v.trim()]));

export function localSessionTarget(): LocalSessionTarget {
  return {
    kind: 'local',
    target: thisMachineTarget(),
    place: () => {
      const s = readSettings();
      return { installFolder: s.installFolder, cacheFolder: s.cacheFolder, serverName: '' };
    },
    async setPlace(place) {
      const p = trimmed(place);
      if (p.installFolder !== undefined) await writeSetting('installFolder', p.installFolder);
      if (p.cacheFolder !== undefined) await writeSetting('cacheFolder', p.cacheFolder);
    },
  };
}

export function remoteSessionTarget(target: SshTarget, place: Partial<TargetPlace> = {}): RemoteSessionTarget {
  let held: TargetPlace = { installFolder: '', cacheFolder: '', serverName: '', ...trimmed(place) };
  return {
    kind: 'ssh',
    target,
    place: () => held,
    async setPlace(next) {
      held = { ...held, ...trimmed(next) };
    },
  };
}
