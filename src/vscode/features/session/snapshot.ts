/**
 * What the session checked, held for every surface to show, and the snapshot they render: the
 * checks, the target's place, the proxy (no password), the passphrase's state (no value) and the
 * operation in progress.
 */
import type { SessionTarget } from './target';
import type { PassphraseState, SessionSnapshot } from './types';

export class SessionChecks {
  credentials?: SessionSnapshot['credentials'];
  cacheCheck?: SessionSnapshot['cacheCheck'];
  dataSizeBytes?: number;
  connectivity?: SessionSnapshot['connectivity'];
  status?: SessionSnapshot['status'];

  /** Another server: what was checked on the previous one no longer holds. The credentials file stays. */
  forgetTarget(): void {
    this.status = undefined;
    this.cacheCheck = undefined;
    this.connectivity = undefined;
    this.dataSizeBytes = undefined;
  }

  forgetAll(): void {
    this.forgetTarget();
    this.credentials = undefined;
  }

  /** The selected credentials file's vault, when it was accepted. */
  vaultName(): string | undefined {
    return this.credentials?.ok ? this.credentials.value.vaultName : undefined;
  }
}

export interface SnapshotParts {
  target: SessionTarget;
  checks: SessionChecks;
  proxy: SessionSnapshot['proxy'];
  passphrase: PassphraseState & { defaultFile: string };
  busy: SessionSnapshot['busy'];
}

export function snapshotOf({ target: active, checks, proxy, passphrase, busy }: SnapshotParts): SessionSnapshot {
  const place = active.place();
  const { kind, target } = active;
  return {
    target: { kind, label: target.label, id: target.id },
    credentials: checks.credentials,
    installFolder: place.installFolder,
    cacheFolder: place.cacheFolder,
    ...(kind === 'ssh' ? { serverName: place.serverName } : {}),
    dataSizeBytes: checks.dataSizeBytes,
    cacheCheck: checks.cacheCheck,
    proxy,
    connectivity: checks.connectivity,
    passphrase,
    status: checks.status,
    busy,
  };
}
