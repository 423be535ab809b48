/**
 * Which Azure Resource Manager a session talks to: a cloud's own (from @azure/ms-rest-azure-env
 * through clouds.ts) or another endpoint the user configured, which here is the local vault's ARM
 * emulator. A Microsoft token goes only to its cloud's Resource Manager; any other endpoint gets
 * only a token issued for it (ARM facts §3, issue 13).
 */
import { SetupError } from '../../errors';
import { nextStep } from '../../nextActions';
import { AZURE_CLOUDS, type AzureCloud } from '../clouds';

export interface ArmEndpoint {
  /** The endpoint's origin with a trailing slash, as the SDK clients take it. */
  url: string;
  /** The Azure cloud whose Resource Manager this is; absent for a configured endpoint (the emulator). */
  cloud?: AzureCloud;
}

/** The public cloud's Resource Manager, used when no endpoint is given. */
export const DEFAULT_CLOUD = AZURE_CLOUDS.find((c) => c.name === 'AzureCloud')!;

/** The Resource Manager at `url` (default: the public cloud's); refused unless it is an https origin. */
export function armEndpoint(url?: string): ArmEndpoint {
  if (url === undefined) return { url: originOf(DEFAULT_CLOUD.resourceManagerEndpointUrl)!, cloud: DEFAULT_CLOUD };
  const origin = originOf(url);
  if (!origin) {
    throw new SetupError('AzureEndpointInvalid', `The Resource Manager endpoint "${url.slice(0, 200)}" is not an https URL.`, {
      endpoint: url.slice(0, 200),
      ...nextStep('checkAzureVault'),
    });
  }
  const cloud = AZURE_CLOUDS.find((c) => originOf(c.resourceManagerEndpointUrl) === origin);
  return cloud ? { url: origin, cloud } : { url: origin };
}

/** `https://host[:port]/`, or undefined for anything but an https URL without credentials. */
export function originOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' || parsed.username || parsed.password) return undefined;
    return `${parsed.origin}/`;
  } catch {
    return undefined;
  }
}

/** Whether `endpoint` is another Resource Manager than an Azure cloud's: a configured one (the emulator). */
export function isConfiguredEndpoint(endpoint: ArmEndpoint): boolean {
  return endpoint.cloud === undefined;
}
