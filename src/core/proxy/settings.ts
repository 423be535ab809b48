import * as z from 'zod';
import { SetupError } from '../errors';
import { parseNoProxyEntry } from './noProxy';
import { Secret } from '../secret';
import { PROXY_MODES } from './modes';

export { PROXY_MODES, type ProxyMode } from './modes';


/** The extension's proxy settings (`backupAgent.proxy.*`, modes in ./modes.ts), the password coming from secret storage. */

const HOST_PATTERN = /^(?:[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*|\[[0-9A-Fa-f:.]+\]|[0-9A-Fa-f:.]+)$/;

export const proxySettingsSchema = z
  .object({
    mode: z.enum(PROXY_MODES).default('off'),
    host: z.string().trim().regex(HOST_PATTERN, 'a host name or IP address, without scheme or port').or(z.literal('')).default(''),
    port: z.number().int().min(1).max(65535).default(3128),
    user: z.string().trim().default(''),
    // Accepting the raw string here wraps it at the boundary, so no later copy is ever plain.
    password: z
      .union([z.string(), z.instanceof(Secret)])
      .transform((value) => (typeof value === 'string' ? new Secret(value) : value))
      .optional(),
    noProxy: z
      .array(z.string().refine((entry) => parseNoProxyEntry(entry) !== undefined, 'not a host, .domain, *, IP, CIDR range or host:port'))
      .default([]),
  })
  .refine((s) => s.mode !== 'settings' || s.host !== '', { path: ['host'], message: 'required when the proxy mode is "settings"' });

export type ProxySettings = z.output<typeof proxySettingsSchema>;
export type ProxySettingsInput = z.input<typeof proxySettingsSchema>;

/**
 * Validates settings as read from the configuration. The error names the fields and what is
 * wrong with them, never their values (one of them may be the password).
 */
export function parseProxySettings(input: unknown): ProxySettings {
  const result = proxySettingsSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.') || 'settings'}: ${issue.message}`).join('; ');
  throw new SetupError('ProxySettingsInvalid', `The proxy settings are not valid (${problems}).`, { problems });
}
