/**
 * The line a remote command line (or a Windows run script) writes on stderr before the command
 * starts: the process to stop it by. The login's startup files run before it and may write to
 * stderr too (a .bashrc running stty without a terminal says so, not always with a newline), so
 * the line is found by its marker, and what came before it is theirs, not the command's.
 */
import { MAX_OUTPUT_BYTES } from './target';

export const PID_MARKER = 'backup-agent-pid:';

const MARKER = Buffer.from(PID_MARKER);

export class PreambleReader {
  #held: Buffer | undefined = Buffer.alloc(0);
  /** The process id as written, once its line has been read. */
  pid: string | undefined;

  /** Whether the line is still to come. */
  get pending(): boolean {
    return this.#held !== undefined;
  }

  /** Takes a piece of stderr; gives back the command's own part of it (none before the line). */
  read(chunk: Buffer): Buffer {
    if (!this.#held) return chunk;
    const held = Buffer.concat([this.#held, chunk]);
    const at = held.indexOf(MARKER);
    const newline = at < 0 ? -1 : held.indexOf(10, at);
    if (newline < 0) {
      // Bounded as a command's output is: the last of it is kept, where the line would begin.
      this.#held = held.length > MAX_OUTPUT_BYTES ? held.subarray(held.length - MAX_OUTPUT_BYTES) : held;
      return Buffer.alloc(0);
    }
    this.pid = held.subarray(at + MARKER.length, newline).toString('utf8').trim();
    this.#held = undefined;
    return held.subarray(newline + 1);
  }

  /** What was held when the line never came (the shell failed before it): stderr as it was. */
  drain(): Buffer {
    const held = this.#held ?? Buffer.alloc(0);
    this.#held = undefined;
    return held;
  }
}
