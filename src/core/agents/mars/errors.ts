/**
 * A MARS cmdlet's error (from a script's result line) as the project's typed code. The agent's
 * IDs (agent facts §2) appear in the error id or its message; the meaning decides the code, so
 * the credentials, network and vault ones are the codes the local vault already uses. 0x7DC is
 * the service's transient internal error: the caller retries it.
 */
import { SetupError, type ErrorParams } from '../../errors';
import type { ErrorCode } from '../../errorCatalogue';
import { NetworkCode } from '../../http/networkErrors';
import type { PsError } from '../../target/powershell/result';
import { VaultCode } from '../../vaultCodes';
import { AgentCode } from '../codes';
import { MarsCode } from './codes';
import { INSTALLER_FAILED } from './scripts/install';
import { SIGNATURE_REFUSED } from './scripts/signature';

interface Rule {
  /** Any of these, as a whole word of the error id or message, or as the HRESULT. */
  ids: readonly (string | number)[];
  code: ErrorCode;
  message: string;
  transient?: boolean;
}

// First match wins: the expired-file id comes before 34513, which the agent may print beside it.
const RULES: readonly Rule[] = [
  { ids: [SIGNATURE_REFUSED], code: MarsCode.InstallerSignatureInvalid, message: 'The downloaded MARSAgentInstaller.exe is not validly signed by Microsoft Corporation, so it was not run. Download it again from the vault or the vendor.' },
  { ids: [INSTALLER_FAILED], code: MarsCode.InstallerFailed, message: 'MARSAgentInstaller.exe ended with an error (its exit code is in the details). Run it by hand on the server to see its own message.' },
  { ids: ['CBPUserExpiredVaultCredential'], code: VaultCode.CredentialsExpired, message: 'The vault says this credentials file has expired. Download a new one from the vault and use it soon.' },
  { ids: ['0x7DC', 'CBPGenericOperationFailure'], code: VaultCode.Internal, message: 'The Azure Backup service failed to handle the request. Try again later.', transient: true },
  { ids: ['34513'], code: VaultCode.CredentialsInvalid, message: 'The vault does not accept this credentials file: a newer one was downloaded since, or it is not from this vault. Download a new one.' },
  { ids: ['100110'], code: VaultCode.RegisteredToAnotherVault, message: "This server is already registered with another vault. Use that vault's credentials, or unregister the server there first." },
  { ids: ['407'], code: NetworkCode.ProxyAuthRequired, message: 'The proxy requires authentication, or rejected the user name and password the agent sent.' },
  { ids: ['100050'], code: NetworkCode.NetworkError, message: 'The agent cannot connect to the Azure Backup service. Check the network and the proxy settings.' },
  { ids: ['403'], code: MarsCode.VaultAccessDenied, message: 'The vault refused access (HTTP 403): the account has no rights on it, or the vault already has the most machines it accepts.' },
  { ids: ['0x1FC07', '34506', 0x1fc07], code: MarsCode.CacheOrKeyFileUnusable, message: "The agent's cache folder is too small or was moved, or its passphrase key file is missing. Choose a cache folder with enough free space." },
];

function mentions(text: string, id: string): boolean {
  const escaped = id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![0-9A-Za-z])${escaped}(?![0-9A-Za-z])`, 'i').test(text);
}

export interface MarsFailure {
  error: SetupError;
  /** Worth trying again as it is (0x7DC). */
  transient: boolean;
}

export function marsFailure(error: PsError): MarsFailure {
  const text = `${error.id} ${error.message}`;
  const rule = RULES.find((r) => r.ids.some((id) => (typeof id === 'number' ? error.hresult === id : mentions(text, id))));
  // The agent's own id (before the command name in FullyQualifiedErrorId), kept for support.
  const agentErrorCode = error.id.split(',')[0] || String(error.hresult ?? '');
  const params: ErrorParams = { agentErrorCode };
  if (!rule) {
    return { error: new SetupError(AgentCode.Unknown, `The backup agent failed with an error this version does not know (${agentErrorCode}): ${error.message}`, params), transient: false };
  }
  return { error: new SetupError(rule.code, rule.message, params), transient: rule.transient === true };
}
