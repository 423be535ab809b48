/** Refusals of Azure Resource Manager calls (arm.ts), each with its own next step. */
export const AzureCode = {
  /** 401: the token is missing, expired or not one this Resource Manager accepts. */
  SignInRequired: 'AzureSignInRequired',
  /** 403: signed in, without the role the operation needs on the vault. */
  AccessDenied: 'AzureAccessDenied',
  /** 404: the subscription, resource group, vault or registered server does not exist (for this account). */
  NotFound: 'AzureResourceNotFound',
  /** 429 that outlasted the retries, each of which waited for the Retry-After Azure gave. */
  Throttled: 'AzureThrottled',
  /** 5xx: Resource Manager or the resource provider failed; the retry tried again already. */
  ServiceUnavailable: 'AzureServiceUnavailable',
  /** Any other refusal Resource Manager answers with its error envelope. */
  RequestFailed: 'AzureRequestFailed',
  /** A token would go to a Resource Manager it was not issued for (a Microsoft token to the emulator, say). */
  TokenNotForEndpoint: 'AzureTokenNotForEndpoint',
  /** A request of an ARM client would leave the Resource Manager endpoint its token is for (a foreign nextLink). */
  OffEndpointRequest: 'AzureOffEndpointRequest',
  /** No Azure sign-in: the one a session was using ended (signed out, token forgotten), or signing in was declined or failed. */
  SignedOut: 'AzureSignedOut',
  /** No sign-in found on this machine (Azure CLI, environment) and no token given. */
  CredentialUnavailable: 'AzureCredentialUnavailable',
  /** The Resource Manager endpoint is not an https URL. */
  EndpointInvalid: 'AzureEndpointInvalid',
  /** A vault named only by its name (a PIN for the file's vault) is in none of the subscriptions the user picked before. */
  VaultNotInRecentSubscriptions: 'AzureVaultNotInRecentSubscriptions',
  /** A vault typed by its names (./names.ts): a subscription ID that is no GUID, a resource group or vault name Azure would not take. */
  SubscriptionIdInvalid: 'AzureSubscriptionIdInvalid',
  ResourceGroupNameInvalid: 'AzureResourceGroupNameInvalid',
  VaultNameInvalid: 'AzureVaultNameInvalid',
} as const;
export type AzureCode = (typeof AzureCode)[keyof typeof AzureCode];
