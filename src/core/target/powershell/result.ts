/**
 * The one structured line a script made by psScript prints last, read back from whatever else
 * the server wrote: cmdlet output, CLIXML progress and error records on stderr, a banner. Only
 * the last line that starts with the marker counts, and only when it is the JSON the script
 * writes; anything else is "no result".
 */

/** Starts the result line; unlikely in cmdlet output, and plain ASCII in every code page. */
export const RESULT_MARKER = '@@BackupAgentSetup.Result@@';

export interface PsError {
  /** FullyQualifiedErrorId, e.g. `CBPUserExpiredVaultCredential,Microsoft.Internal...`. */
  id: string;
  message: string;
  /** The ErrorCategory name (e.g. InvalidArgument). */
  category: string;
  hresult?: number;
  exception?: string;
}

export type PsResult = { ok: true; exitCode: number | null; data: unknown } | { ok: false; exitCode: number | null; error: PsError };

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The script's result, or undefined when stdout holds no well-formed result line. */
export function parsePsResult(stdout: string, exitCode: number | null): PsResult | undefined {
  const lines = stdout.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!.trim();
    if (!line.startsWith(RESULT_MARKER)) continue;
    let value: unknown;
    try {
      value = JSON.parse(line.slice(RESULT_MARKER.length));
    } catch {
      return undefined;
    }
    if (typeof value !== 'object' || value === null) return undefined;
    const r = value as Record<string, unknown>;
    if (r.ok === true) return { ok: true, exitCode, data: r.data ?? null };
    if (r.ok !== false) return undefined;
    const error: PsError = { id: text(r.errorId), message: text(r.message), category: text(r.category) };
    if (typeof r.hresult === 'number') error.hresult = r.hresult;
    if (typeof r.exception === 'string') error.exception = r.exception;
    return { ok: false, exitCode, error };
  }
  return undefined;
}
