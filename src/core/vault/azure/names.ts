/**
 * Azure's naming rules for what names a Recovery Services vault: its subscription (a GUID), its
 * resource group and its own name. The credentials file's schema holds its members to them, the
 * local vault its new vaults, and a vault typed by name (the command line's --subscription,
 * --resource-group, --vault) is checked against them before any request, so that a typo gets its
 * own refusal rather than Resource Manager's "not found".
 */
import { clipParam, SetupError } from '../../errors';
import { AzureCode } from './codes';

export const SUBSCRIPTION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** 2 to 50 letters, digits or hyphens, starting with a letter. */
export const VAULT_NAME = /^[A-Za-z][A-Za-z0-9-]{1,49}$/;
/** 1 to 90 letters (any script), digits, `-_.()`, not ending with a period. */
export const RESOURCE_GROUP_NAME = /^[-\p{L}\p{N}_.()]{0,89}[-\p{L}\p{N}_()]$/u;

/** The three names, once each follows its rule; else the refusal of the first that does not. */
export function checkVaultNames<T extends { subscriptionId: string; resourceGroup: string; vault: string }>(ref: T): T {
  const refuse = (code: AzureCode, message: string, value: string): never => {
    throw new SetupError(code, message, { value: clipParam(value) });
  };
  const { subscriptionId, resourceGroup, vault } = ref;
  if (!SUBSCRIPTION_ID.test(subscriptionId)) refuse(AzureCode.SubscriptionIdInvalid, `"${clipParam(subscriptionId)}" is not a subscription ID: the portal shows it as a GUID (8-4-4-4-12 hexadecimal digits).`, subscriptionId);
  if (!RESOURCE_GROUP_NAME.test(resourceGroup)) refuse(AzureCode.ResourceGroupNameInvalid, `"${clipParam(resourceGroup)}" is not a resource group name: 1 to 90 letters, digits and -_.(), not ending with a period.`, resourceGroup);
  if (!VAULT_NAME.test(vault)) refuse(AzureCode.VaultNameInvalid, `"${clipParam(vault)}" is not a Recovery Services vault name: 2 to 50 letters, digits or hyphens, starting with a letter.`, vault);
  return ref;
}
