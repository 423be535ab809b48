/**
 * What the reference agent's commands read and answer when the setup runs them on the target:
 * one JSON request on stdin (the only way a secret reaches the server: never an argument or a
 * file of its own), one JSON answer on stdout, and `@stage <name>` lines on stderr as it goes.
 * The agent and its driver both check every message against these schemas.
 */
import * as z from 'zod';
import { publicConfigSchema } from '../../config/agentConfig';
import { MAX_CREDENTIALS_BYTES } from '../../credentials/read';
import { agentProxySchema } from '../../config/agentProxy';
import { STAGES, StageCode } from '../../connectivity/check';
import { healthSchema } from '../../connectivity/stages';
import { isErrorCode, type ErrorCode } from '../../errorCatalogue';
import type { ErrorParams } from '../../errors';
import { registrationViewSchema } from '../../registration/vaultApi';
import { AgentCode } from '../codes';

/** How the server reaches its vault for this run. */
export const vaultWaySchema = z.strictObject({
  /** Connect here instead of the endpoint's own host and port: a forward the admin opened for the run. */
  connectTo: z.strictObject({ host: z.string().min(1), port: z.number().int().min(1).max(65535) }).optional(),
  /** PEM CAs trusted for the endpoint instead of the system's store: the admin's trust, sent with the credentials. */
  trustedCas: z.array(z.string()).optional(),
  /** The setup's time-outs and retries towards the vault, so the server keeps to the same ones. */
  network: z
    .strictObject({
      requestTimeoutMs: z.number().int().positive().optional(),
      timeouts: z.strictObject({ connectMs: z.number().int().positive(), headersMs: z.number().int().positive(), bodyMs: z.number().int().positive() }).partial().optional(),
      retry: z.strictObject({ retries: z.number().int().min(0), baseDelayMs: z.number().int().min(0), maxDelayMs: z.number().int().min(0) }).partial().optional(),
    })
    .optional(),
});
export type VaultWay = z.output<typeof vaultWaySchema>;

/** The admin reads at most MAX_CREDENTIALS_BYTES of a credentials file: that much in base64. */
const MAX_CREDENTIALS_BASE64 = Math.ceil(MAX_CREDENTIALS_BYTES / 3) * 4;

export const registerRequestSchema = z.strictObject({
  /**
   * The vault credentials file as the admin read it, parsed on the server with its clock. It holds
   * the vault's client key, so it comes as a secret does, on stdin: never written on the server.
   */
  credentials: z.strictObject({
    /** The file's own name, whose extension the parser checks as on the admin side. */
    fileName: z.string().min(1).max(255),
    base64: z.string().min(1).max(MAX_CREDENTIALS_BASE64),
  }),
  serverName: z.string().min(1),
  cacheFolder: z.string().min(1),
  proxy: agentProxySchema,
  /** Secret: written to the proxy password file the configuration names. */
  proxyPassword: z.string().optional(),
  /** Secret. Absent: the configuration's passphrase stays (the admin found it unchanged). */
  passphrase: z.string().optional(),
  /** The id the admin found in the configuration, to restore a lost id file. */
  machineId: z.string().optional(),
  way: vaultWaySchema,
});
export type RegisterRequest = z.output<typeof registerRequestSchema>;

export const registerAnswerSchema = z.strictObject({
  registrationId: z.string(),
  machineId: z.string(),
  created: z.boolean(),
  agentVersion: z.string(),
});
export type RegisterAnswer = z.output<typeof registerAnswerSchema>;

export const changeRequestSchema = z.strictObject({
  proxy: agentProxySchema.optional(),
  proxyPassword: z.string().optional(),
  /** Already checked by the admin (its free space, its file system). */
  cacheFolder: z.string().min(1).optional(),
  /** Secret: the new passphrase and the vault's PIN that approves it. */
  passphrase: z.strictObject({ securityPin: z.string(), newValue: z.string() }).optional(),
  way: vaultWaySchema,
});
export type ChangeRequest = z.output<typeof changeRequestSchema>;

export const changeAnswerSchema = z.strictObject({ config: publicConfigSchema });

/** For status and unregister. */
export const wayRequestSchema = z.strictObject({ way: vaultWaySchema });

/** Answers also carry lines for people (state, via…): only these fields are the setup's. */
export const statusAnswerSchema = z.looseObject({ registration: registrationViewSchema });

export const unregisterAnswerSchema = z.union([
  z.looseObject({ alreadyUnregistered: z.literal(true) }).transform(() => ({ alreadyUnregistered: true as const })),
  z
    .looseObject({ alreadyUnregistered: z.literal(false), registrationId: z.string(), remote: registrationViewSchema })
    .transform(({ registrationId, remote }) => ({ alreadyUnregistered: false as const, registrationId, remote })),
]);

const paramsSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

/** A code from an agent of another version may be one this build does not know: it becomes AgentErrorUnknown, the raw code kept. */
function knownCode<T extends { code: string; params: ErrorParams }>(answer: T): Omit<T, 'code'> & { code: ErrorCode } {
  if (isErrorCode(answer.code)) return { ...answer, code: answer.code };
  return { ...answer, code: AgentCode.Unknown, params: { ...answer.params, agentErrorCode: answer.code } };
}

const errorJsonSchema = z.strictObject({ code: z.string(), message: z.string(), params: paramsSchema }).transform(knownCode);

/** A failed command: the SetupError as JSON. */
export const failureSchema = z.strictObject({ error: errorJsonSchema });

/** The connectivity check from the server, to `endpoint` as the admin's files name it. */
export const checkRequestSchema = z.strictObject({
  endpoint: z.url(),
  proxy: agentProxySchema,
  /** Secret: used for the check only, never written. */
  proxyPassword: z.string().optional(),
  way: vaultWaySchema,
});
export type CheckRequest = z.output<typeof checkRequestSchema>;

/** The core's ConnectivityReport as the server made it, and its first problem (the clock's included). */
export const checkAnswerSchema = z.strictObject({
  report: z.strictObject({
    endpoint: z.string(),
    proxy: z.string().optional(),
    bypassedBy: z.string().optional(),
    ok: z.boolean(),
    stages: z.array(
      z.union([
        z.strictObject({ stage: z.enum(STAGES), status: z.enum(['ok', 'skipped']), durationMs: z.number(), code: z.enum(StageCode), params: paramsSchema }),
        z.strictObject({ stage: z.enum(STAGES), status: z.literal('failed'), durationMs: z.number(), code: z.string(), params: paramsSchema }).transform(knownCode),
      ]),
    ),
    health: healthSchema.optional(),
  }),
  problem: errorJsonSchema.optional(),
});
export type CheckAnswer = z.output<typeof checkAnswerSchema>;

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** What a stderr line says: a stage entered, a log line (no secret, as every log line), or neither. */
export type StderrLine = { stage: string } | { log: LogLevel; message: string } | undefined;

export function stageLine(name: string): string {
  return `@stage ${name}`;
}

export function logLine(level: LogLevel, message: string): string {
  return `@log ${level} ${message.replace(/\s*\n\s*/g, ' ')}`;
}

export function readStderrLine(line: string): StderrLine {
  const stage = /^@stage ([A-Za-z]+)$/.exec(line.trim());
  if (stage) return { stage: stage[1]! };
  const log = /^@log (trace|debug|info|warn|error) (.*)$/.exec(line.trimEnd());
  return log ? { log: log[1] as LogLevel, message: log[2]! } : undefined;
}
