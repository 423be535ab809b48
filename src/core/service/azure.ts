/**
 * The Azure operations adapters call, behind `loadAzure()` (the service index): this module loads
 * the Azure SDKs, so it is reached only through that dynamic import and stays out of the common
 * path (its own chunk in the features bundle).
 */
export { ArmSession } from '../vault/azure/arm';
export { armIssuer, armIssuerForVault } from '../vault/azure/armIssuer';
export { privateCredentialsFolder } from '../vault/issuedFile';
export { saveCredentialsCopy } from '../vault/saveIssued';
