/**
 * Which sign-in a Resource Manager endpoint takes (ARM facts §3, issue 13). An Azure cloud's takes
 * Microsoft's sign-in through VS Code: the `microsoft` provider for the public cloud,
 * `microsoft-sovereign-cloud` (with its `microsoft-sovereign-cloud.environment` setting) for the
 * others, asking for that Resource Manager's `.default` scope and the tenant as `VSCODE_TENANT:`.
 * Any other endpoint (the local vault's ARM emulator) takes only a token issued for it.
 */
import { AZURE_CLOUDS } from '../clouds';
import { armEndpoint, type ArmEndpoint } from './endpoint';

export type AzureSignIn =
  /** `cloud`: the cloud the provider signs in to, the only one its tokens go to (token.ts). */
  | { kind: 'microsoft'; providerId: 'microsoft' | 'microsoft-sovereign-cloud'; cloud: string; scopes: string[] }
  /** A token issued by the endpoint itself, which the user gives once. */
  | { kind: 'endpointToken' };

export interface AzureSignInPlan {
  endpoint: ArmEndpoint;
  signIn: AzureSignIn;
}

/** `microsoft-sovereign-cloud.environment` values and the cloud names of @azure/ms-rest-azure-env. */
const SOVEREIGN_CLOUDS: Readonly<Record<string, string>> = { ChinaCloud: 'AzureChinaCloud', USGovernment: 'AzureUSGovernment' };
const PUBLIC_CLOUD = 'AzureCloud';

export interface SignInSettings {
  /** `backupAgent.azure.resourceManagerEndpoint`; empty: the cloud the sovereign setting names, else the public cloud. */
  endpoint?: string;
  /** `microsoft-sovereign-cloud.environment`. */
  sovereignEnvironment?: string;
  /** A tenant (directory) id or domain; absent: the account's organisations. */
  tenant?: string;
}

/** The endpoint and its sign-in; refused (AzureEndpointInvalid) for an endpoint that is not https. */
export function azureSignInPlan(settings: SignInSettings): AzureSignInPlan {
  const sovereign = settings.sovereignEnvironment ? SOVEREIGN_CLOUDS[settings.sovereignEnvironment] : undefined;
  const endpoint = settings.endpoint?.trim() ? armEndpoint(settings.endpoint.trim()) : cloudEndpoint(sovereign);
  if (!endpoint.cloud) return { endpoint, signIn: { kind: 'endpointToken' } };
  const publicCloud = endpoint.cloud.name === PUBLIC_CLOUD;
  const scopes = [`${endpoint.url}.default`, ...(settings.tenant?.trim() ? [`VSCODE_TENANT:${settings.tenant.trim()}`] : [])];
  // The sovereign provider signs in to the cloud its own setting names, whatever endpoint is configured: a mismatch is refused before any request.
  const cloud = publicCloud ? PUBLIC_CLOUD : (sovereign ?? `microsoft-sovereign-cloud (${settings.sovereignEnvironment ?? 'not set'})`);
  return { endpoint, signIn: { kind: 'microsoft', providerId: publicCloud ? 'microsoft' : 'microsoft-sovereign-cloud', cloud, scopes } };
}

/** The named cloud's Resource Manager, else the public cloud's. */
function cloudEndpoint(cloudName: string | undefined): ArmEndpoint {
  const cloud = AZURE_CLOUDS.find((c) => c.name === cloudName);
  return armEndpoint(cloud?.resourceManagerEndpointUrl);
}

/** A subscription id as Azure gives it: a GUID. */
export function isSubscriptionId(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
