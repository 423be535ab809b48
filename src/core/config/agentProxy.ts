/** The proxy as the agent applies it. Only zod: the setup page's browser code uses its type. */
import * as z from 'zod';

/** VS Code's setting is resolved to an explicit one at setup time. */
export const agentProxySchema = z.strictObject({
  mode: z.enum(['off', 'explicit', 'environment']),
  host: z.string(),
  port: z.number().int().min(1).max(65535),
  user: z.string(),
  noProxy: z.array(z.string()),
  /** Set when the proxy needs a password: the agent reads it from this file. */
  passwordFile: z.string().nullable(),
});

export type AgentProxy = z.output<typeof agentProxySchema>;
