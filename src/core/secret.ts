import { inspect } from 'node:util';

export const REDACTED = '[redacted]';

/**
 * A value that must never reach a log, an error message or a serialised setting. The value lives
 * in a private field, so JSON.stringify, util.inspect, template strings and structured logging
 * all see the redaction marker; only an explicit reveal() hands it to the one place that sends it.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return `Secret(${REDACTED})`;
  }
}
