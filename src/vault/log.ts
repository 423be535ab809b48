/**
 * The vault's logger is injected: the CLI prints, the extension writes to its output channel,
 * tests collect lines. Only request lines and service events are logged, never a body, a key,
 * a certificate or a PIN.
 */
export interface VaultLogger {
  info(line: string): void;
  error(line: string): void;
}

export const silentLogger: VaultLogger = { info: () => {}, error: () => {} };

export interface RequestLogEntry {
  method: string;
  path: string;
  status: number | 'aborted';
  vault: string | undefined;
  durationMs: number;
  code: string | undefined;
}

/** One line per request: `GET /v1/health 200 vault=- 1.2ms`, plus the error code if any. */
export function formatRequestLine(e: RequestLogEntry): string {
  const code = e.code ? ` code=${e.code}` : '';
  return `${e.method} ${printable(e.path)} ${e.status} vault=${e.vault ?? '-'} ${e.durationMs.toFixed(1)}ms${code}`;
}

/** Paths come from clients: keep lines short and free of control characters. */
function printable(text: string): string {
  const clean = text.replace(/[^\x21-\x7e]/g, '?');
  return clean.length > 200 ? `${clean.slice(0, 200)}...` : clean;
}

/** A logger whose lines are also flushed on demand, before the process exits. */
export interface FlushingLogger extends VaultLogger {
  flush(): void;
}

/**
 * Gathers the lines logged during one turn of the event loop and writes them together: under
 * load one write per request cost the serve process a system call per registration. Errors are
 * written at once, after the lines before them.
 */
export function batchedLogger(write: (text: string) => void, writeError: (text: string) => void): FlushingLogger {
  let lines: string[] = [];
  const flush = () => {
    if (lines.length === 0) return;
    const text = `${lines.join('\n')}\n`;
    lines = [];
    write(text);
  };
  return {
    info: (line) => {
      if (lines.push(line) === 1) setImmediate(flush);
    },
    error: (line) => {
      flush();
      writeError(`${line}\n`);
    },
    flush,
  };
}
