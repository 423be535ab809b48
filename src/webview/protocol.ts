/**
 * The setup page's message protocol, imported by the extension host and the webview: requests
 * with ids (answered by one response each, cancellable), notifications from the host, and a
 * `ready` handshake. Both sides parse every inbound message with these schemas and drop what
 * does not fit, so a stray or hostile message can neither crash a side nor reach the session.
 * Browser-safe: of the core it imports at run time only the list of next steps, the backend
 * and agent kinds and the warning codes, which import nothing but constants.
 */
// zod/mini: the same checks without the locale tables, which keeps the page's bundle small.
import * as z from 'zod/mini';
import type { AgentProxy } from '../core/config/agentProxy';
import { NEXT_ACTIONS } from '../core/nextActions';
import { SetupWarningCode } from '../core/service/warningCodes';
import type { ProxyMode } from '../core/proxy/modes';
import { AGENT_KINDS, BACKEND_KINDS } from '../core/vault/kinds';

const MAX_PATH = 4096;
const requestId = z.int().check(z.minimum(1), z.maximum(Number.MAX_SAFE_INTEGER));
const filePath = z.string().check(z.minLength(1), z.maxLength(MAX_PATH));
const text = (max: number) => z.string().check(z.maxLength(max));
const noParams = z.strictObject({});
/** One of the core's warning codes: a page can neither accept nor show a code the core never gives. */
const warningCode = z.enum(Object.values(SetupWarningCode));
/** Warning codes of the core the user has read and accepted. */
const accepted = z.optional(z.array(warningCode).check(z.maxLength(20)));

/** Kept in step with the core's list by the type check below, not by a second rule. */
const PROXY_MODES = ['off', 'settings', 'vscode', 'environment'] as const satisfies readonly ProxyMode[];
type ModesCovered = ProxyMode extends (typeof PROXY_MODES)[number] ? true : never;
const modesCovered: ModesCovered = true;
void modesCovered;
/** The proxy modes an agent configuration records (VS Code's is resolved to explicit at setup). */
const AGENT_PROXY_MODES = ['off', 'explicit', 'environment'] as const satisfies readonly AgentProxy['mode'][];
type AgentModesCovered = AgentProxy['mode'] extends (typeof AGENT_PROXY_MODES)[number] ? true : never;
const agentModesCovered: AgentModesCovered = true;
void agentModesCovered;

/** Every request the page may send, with its parameters. Their meaning is the session's. */
export const REQUEST_PARAMS = {
  'credentials/pick': noParams,
  /** "From Azure…": the extension's own command (sign-in, vault pick, confirmation) selects the file it gets. */
  'credentials/fromAzure': noParams,
  'credentials/select': z.strictObject({ file: filePath }),
  'folder/pick': z.strictObject({ purpose: z.enum(['install', 'cache']) }),
  'install/setFolder': z.strictObject({ folder: filePath }),
  /** An empty folder applies the core's default. */
  'cache/set': z.strictObject({ folder: text(MAX_PATH), dataSizeBytes: z.optional(z.int().check(z.minimum(0))) }),
  'proxy/set': z.strictObject({
    mode: z.enum(PROXY_MODES),
    host: text(255),
    port: z.int(),
    user: text(255),
    /** Only when the user typed a new one; it goes straight to SecretStorage. */
    password: z.optional(text(1024)),
    noProxy: z.array(text(255)).check(z.maxLength(200)),
  }),
  'connectivity/test': noParams,
  'passphrase/generate': noParams,
  'passphrase/reveal': noParams,
  'passphrase/copy': noParams,
  /** `accept`: the location warnings the user has read and accepted for this file. */
  'passphrase/save': z.strictObject({ file: z.optional(filePath), accept: accepted }),
  'passphrase/set': z.strictObject({ value: text(1024) }),
  /** `accept`: the warnings of the core's plan the user has read and accepted. */
  register: z.strictObject({ accept: accepted }),
  'properties/change': noParams,
  'status/refresh': noParams,
  /** Set up this server / pick a remote one (the host asks which and connects). */
  'target/local': noParams,
  'target/remote': noParams,
  /** Runs an error's fixing command (the one its `next` offers). */
  'error/nextStep': z.strictObject({ action: z.enum(NEXT_ACTIONS) }),
} as const;

export type Method = keyof typeof REQUEST_PARAMS;
export type ParamsOf<M extends Method> = z.output<(typeof REQUEST_PARAMS)[M]>;
export const METHODS = Object.keys(REQUEST_PARAMS) as Method[];

/** The core's warnings, each with its text in the window's language. */
const warnings = z.array(z.strictObject({ code: warningCode, text: z.string() }));
export type WireWarning = z.output<typeof warnings>[number];
export type WarningCode = WireWarning['code'];

/** What a successful response carries, per method; the page checks it before using it. */
export const RESULTS = {
  'credentials/pick': z.strictObject({ cancelled: z.boolean() }),
  'credentials/fromAzure': z.strictObject({ cancelled: z.boolean() }),
  'credentials/select': z.strictObject({}),
  'folder/pick': z.strictObject({ folder: z.optional(filePath) }),
  'install/setFolder': z.strictObject({}),
  'cache/set': z.strictObject({}),
  'proxy/set': z.strictObject({}),
  'connectivity/test': z.strictObject({}),
  'passphrase/generate': z.strictObject({}),
  /** The one message that carries the passphrase, and only because the user asked to see it. */
  'passphrase/reveal': z.strictObject({ value: z.string() }),
  'passphrase/copy': z.strictObject({}),
  /** Saved (`file`), cancelled, or held back by warnings the user has not accepted yet (`confirm`). */
  'passphrase/save': z.strictObject({
    file: z.optional(z.string()),
    cancelled: z.boolean(),
    confirm: z.optional(z.strictObject({ file: z.string(), warnings })),
  }),
  'passphrase/set': z.strictObject({}),
  /** Registered, or held back by warnings of the plan the user has not accepted yet (`confirm`). */
  register: z.strictObject({
    registered: z.optional(z.strictObject({ registrationId: z.string(), serverName: z.string(), vaultName: z.string() })),
    confirm: z.optional(z.strictObject({ warnings })),
  }),
  'properties/change': z.strictObject({}),
  'status/refresh': z.strictObject({}),
  'target/local': z.strictObject({}),
  'target/remote': z.strictObject({ cancelled: z.boolean() }),
  'error/nextStep': z.strictObject({}),
} as const satisfies Record<Method, z.ZodMiniType>;

export type ResultOf<M extends Method> = z.output<(typeof RESULTS)[M]>;

const requestSchemas = METHODS.map((method) =>
  z.strictObject({ kind: z.literal('request'), id: requestId, method: z.literal(method), params: REQUEST_PARAMS[method] }),
);

export type RequestMessage = { [M in Method]: { kind: 'request'; id: number; method: M; params: ParamsOf<M> } }[Method];

/** Page → host. */
export const fromWebviewSchema = z.union([
  z.strictObject({ kind: z.literal('ready') }),
  z.strictObject({ kind: z.literal('cancel'), id: requestId }),
  ...requestSchemas,
]);
export type FromWebview = { kind: 'ready' } | { kind: 'cancel'; id: number } | RequestMessage;

/** An error's next step, localised: a button that runs its fixing command, or an instruction. */
const nextStepSchema = z.union([
  z.strictObject({ action: z.enum(NEXT_ACTIONS), label: text(200) }),
  z.strictObject({ action: z.enum(NEXT_ACTIONS), instruction: text(1000) }),
]);

export const wireErrorSchema = z.strictObject({
  code: text(200),
  message: text(4000),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  next: z.optional(nextStepSchema),
});
export type WireError = z.output<typeof wireErrorSchema>;

/** A check's outcome as the page shows it: the core's value, or its error (code, message, params). */
const checked = <T extends z.ZodMiniType>(value: T) =>
  z.union([z.looseObject({ ok: z.literal(true), value }), z.looseObject({ ok: z.literal(false), error: wireErrorSchema })]);

const stageSchema = z.looseObject({
  name: z.string(),
  status: z.enum(['ok', 'failed', 'skipped']),
  durationMs: z.number(),
  code: z.optional(z.string()),
});

/**
 * The session snapshot as the page receives it: the host projects it to what the page shows
 * (no agent configuration internals, never a secret) and the page checks that shape.
 */
export const viewSnapshotSchema = z.strictObject({
  /** The server the steps set up. */
  target: z.strictObject({ kind: z.enum(['local', 'ssh']), label: text(300) }),
  credentials: z.optional(
    z.intersection(
      checked(
        z.looseObject({
          fileName: z.string(),
          vaultName: z.string(),
          location: z.string(),
          subscriptionId: z.string(),
          expiresAt: z.string(),
          timeLeftMs: z.number(),
          /** The backend × agent the plan will name (SetupService.describeCredentials). */
          backend: z.enum(BACKEND_KINDS),
          agent: z.enum(AGENT_KINDS),
        }),
      ),
      z.looseObject({ file: z.string() }),
    ),
  ),
  installFolder: z.string(),
  cacheFolder: z.string(),
  dataSizeBytes: z.optional(z.number()),
  cacheCheck: z.optional(checked(z.looseObject({ folder: z.string(), usesDefault: z.boolean(), requiredBytes: z.number(), availableBytes: z.number() }))),
  proxy: z.strictObject({
    mode: z.enum(PROXY_MODES),
    host: z.string(),
    port: z.number(),
    user: z.string(),
    noProxy: z.array(z.string()),
    hasPassword: z.boolean(),
  }),
  connectivity: z.optional(checked(z.looseObject({ stages: z.array(stageSchema), checkedOn: z.enum(['target', 'admin', 'adminOnly']) }))),
  passphrase: z.strictObject({
    present: z.boolean(),
    origin: z.optional(z.enum(['generated', 'typed'])),
    strengthBits: z.optional(z.number()),
    weak: z.optional(z.boolean()),
    savedTo: z.optional(z.string()),
    defaultFile: z.string(),
  }),
  registration: z.optional(
    z.strictObject({
      state: z.string(),
      vaultName: z.optional(z.string()),
      serverName: z.optional(z.string()),
      registrationId: z.optional(z.string()),
      machineId: z.optional(z.string()),
      remoteError: z.optional(wireErrorSchema),
      /** What the recorded registration uses, when there is one: the values steps 2 to 4 show. */
      inUse: z.optional(
        z.strictObject({
          installFolder: z.string(),
          cacheFolder: z.string(),
          proxy: z.strictObject({ mode: z.enum(AGENT_PROXY_MODES), host: z.string(), port: z.number(), user: z.string(), noProxy: z.array(z.string()) }),
          passphraseSetAt: z.optional(z.string()),
        }),
      ),
    }),
  ),
  busy: z.optional(z.strictObject({ operation: z.string(), stage: z.string() })),
});
export type ViewSnapshot = z.output<typeof viewSnapshotSchema>;

export const initParamsSchema = z.strictObject({
  locale: text(35),
  strings: z.record(z.string(), z.string()),
  registerStages: z.array(z.string()),
  snapshot: viewSnapshotSchema,
});
export type InitParams = z.output<typeof initParamsSchema>;

/** Host → page. */
export const toWebviewSchema = z.union([
  z.strictObject({ kind: z.literal('response'), id: requestId, ok: z.literal(true), result: z.unknown() }),
  z.strictObject({ kind: z.literal('response'), id: requestId, ok: z.literal(false), error: wireErrorSchema }),
  z.strictObject({ kind: z.literal('notification'), method: z.literal('webview/init'), params: initParamsSchema }),
  z.strictObject({ kind: z.literal('notification'), method: z.literal('session/changed'), params: viewSnapshotSchema }),
]);
export type ToWebview = z.output<typeof toWebviewSchema>;

/** Codes of the protocol's own refusals (the session's errors keep the core's codes). */
export const PROTOCOL_ERRORS = {
  cancelled: 'RequestCancelled',
  busy: 'RequestBusy',
  failed: 'RequestFailed',
  /** The page's own: a response that does not fit its request's result. */
  invalidResponse: 'ResponseInvalid',
} as const;

/** A one-line description of a rejected message for a log: its kind and method, never its values. */
export function describeRejected(message: unknown): string {
  if (typeof message !== 'object' || message === null) return `a ${message === null ? 'null' : typeof message}`;
  const m = message as Record<string, unknown>;
  const kind = typeof m.kind === 'string' ? m.kind.slice(0, 40) : '?';
  const method = typeof m.method === 'string' ? ` ${m.method.slice(0, 60)}` : '';
  return `kind=${JSON.stringify(kind)}${method ? ` method=${JSON.stringify(method.trim())}` : ''}`;
}
