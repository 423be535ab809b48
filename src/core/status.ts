/**
 * The registration state the status bar (and the setup page) shows, derived in one place
 * from the agent configuration, the selected credentials and the last vault health check.
 */
export type RegistrationState =
  | { kind: 'notSetUp' }
  | { kind: 'credentialsSelected'; vaultName: string; expiresAt: Date; timeLeftMs: number }
  | { kind: 'credentialsExpired'; vaultName: string; expiredAt: Date }
  | { kind: 'registered'; vaultName: string; serverName: string }
  | { kind: 'vaultUnreachable'; vaultName: string }
  | { kind: 'revoked'; vaultName: string };

export interface StateInputs {
  /** The agent configuration's registration, when this server is registered. */
  registration?: { vaultName: string; serverName: string };
  /** Credentials selected but not yet used to register. */
  credentials?: { vaultName: string; expiresAt: Date };
  /** The last health check of the vault, when one ran. */
  health?: 'ok' | 'unreachable' | 'revoked';
  now: Date;
}

export function deriveRegistrationState({ registration, credentials, health, now }: StateInputs): RegistrationState {
  if (registration) {
    if (health === 'revoked') return { kind: 'revoked', vaultName: registration.vaultName };
    if (health === 'unreachable') return { kind: 'vaultUnreachable', vaultName: registration.vaultName };
    return { kind: 'registered', ...registration };
  }
  if (credentials) {
    const timeLeftMs = credentials.expiresAt.getTime() - now.getTime();
    if (timeLeftMs <= 0) return { kind: 'credentialsExpired', vaultName: credentials.vaultName, expiredAt: credentials.expiresAt };
    return { kind: 'credentialsSelected', vaultName: credentials.vaultName, expiresAt: credentials.expiresAt, timeLeftMs };
  }
  return { kind: 'notSetUp' };
}

/** Splits a duration for a "time left" label: whole hours and remaining minutes, rounded up. */
export function splitTimeLeft(ms: number): { hours: number; minutes: number } {
  const totalMinutes = Math.max(0, Math.ceil(ms / 60000));
  return { hours: Math.floor(totalMinutes / 60), minutes: totalMinutes % 60 };
}
