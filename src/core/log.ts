/**
 * The logging port of the core. VS Code's LogOutputChannel, the CLI's stderr logger and test
 * capture loggers all fit it. Callers pass facts and codes, never a secret.
 */
export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentLogger: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };
