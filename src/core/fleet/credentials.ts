/**
 * Which credentials file a fleet run registers with (issue 13: one fresh file for the whole run).
 * A file the user chose stays the run's, as before. A file got from Azure is the window's, not the
 * run's: only the latest one for a vault works and it lives 48 hours, so a run (a retry, or a later
 * run started with it) takes the session's current file, and a fresh one when that file is gone,
 * expired, about to expire, or the very file the last run was refused with as stale.
 */
import { actionOf } from '../registration/errors';
import { EXPIRY_WARNING_MS } from '../service/prepare';
import type { FleetReport } from './types';

export interface RunCredentialsInput {
  /** The file the run, or the run it retries, started with. */
  runFile: string;
  /** Whether this window got `file` from Azure. */
  fromAzure(file: string): boolean;
  /** The session's selected file and the time it has left; no timeLeftMs: unreadable, missing or expired. */
  current?: { file: string; timeLeftMs?: number };
  /** The report of the run being retried. */
  previous?: Pick<FleetReport, 'rows'>;
}

export type RunCredentials = { kind: 'use'; file: string } | { kind: 'fresh' };

export function credentialsForRun({ runFile, fromAzure, current, previous }: RunCredentialsInput): RunCredentials {
  if (!fromAzure(runFile)) return { kind: 'use', file: runFile };
  // Expired or superseded at the vault (34513, CBPUserExpiredVaultCredential): what a fresh file from Azure replaces.
  const refusedAsStale = previous?.rows.some((r) => r.state === 'failed' && r.reason !== undefined && actionOf(r.reason, { signedInToAzure: true }) === 'getCredentialsFromAzure') ?? false;
  const usable = current?.timeLeftMs !== undefined && current.timeLeftMs >= EXPIRY_WARNING_MS && !(refusedAsStale && current.file === runFile);
  return usable ? { kind: 'use', file: current.file } : { kind: 'fresh' };
}
