/** The agent's log: `@log` lines on stderr, which the setup that runs it copies into its own log. */
import { logLine, type LogLevel } from '../core/agents/reference/protocol';
import type { Logger } from '../core/log';

const line = (level: LogLevel) => (message: string) => console.error(logLine(level, message));

export const agentLogger: Logger = { trace: line('trace'), debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
