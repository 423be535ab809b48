/**
 * Turns the bytes of a vault credentials file into a validated VaultCredentials, or a
 * SetupError naming exactly what is wrong. Checks run cheapest first, so hostile input is
 * refused before the expensive certificate work.
 */
import { decodeManagementCert } from './certificate';
import { credentialsError } from './errors';
import { CREDENTIALS_EXTENSION, ISSUE_BACKDATE_MS, parseAgentLinks } from './format';
import { ClientCertificate, type VaultCredentials } from './model';
import { MAX_CREDENTIALS_BYTES, tooLarge } from './read';
import { readBackupDocument } from './schema';
import { checkValidity } from './validity';
import { parseXml } from './xml';

export function parseCredentials(buffer: Uint8Array, fileName: string, now: Date = new Date()): VaultCredentials {
  checkExtension(fileName);
  if (buffer.byteLength > MAX_CREDENTIALS_BYTES) throw tooLarge(buffer.byteLength, MAX_CREDENTIALS_BYTES);
  const members = readBackupDocument(parseXml(decodeUtf8(buffer)));
  const cert = decodeManagementCert(members.ManagementCert);
  checkValidity(cert.notBefore, cert.notAfter, now);
  return {
    fileName,
    vaultName: members.ResourceName,
    subscriptionId: members.SubscriptionId,
    resourceGroup: members.ResourceGroup,
    location: members.Location,
    resourceId: members.ResourceId,
    tenantId: members.AadTenantId,
    endpoint: members.IdMgmtRestEndpoint,
    agentLinks: parseAgentLinks(members.AgentLinks ?? ''),
    issuedAt: new Date(cert.notBefore.getTime() + ISSUE_BACKDATE_MS),
    notBefore: cert.notBefore,
    expiresAt: cert.notAfter,
    timeLeftMs: cert.notAfter.getTime() - now.getTime(),
    fingerprint256: cert.fingerprint256,
    clientCertificate: new ClientCertificate(cert.certPem, cert.keyPem, cert.fingerprint256),
  };
}

/** Registration fails for any other extension (facts 1e), so refuse it here with a clear reason. */
function checkExtension(fileName: string): void {
  if (!fileName.toLowerCase().endsWith(CREDENTIALS_EXTENSION.toLowerCase())) {
    throw credentialsError('VaultCredentialBadExtension', `Vault credentials files end in ${CREDENTIALS_EXTENSION}; was the file renamed?`, {
      expected: CREDENTIALS_EXTENSION,
    });
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

function decodeUtf8(buffer: Uint8Array): string {
  // A file re-saved as UTF-16 ("Unicode" in Notepad) is common enough to name.
  if ((buffer[0] === 0xff && buffer[1] === 0xfe) || (buffer[0] === 0xfe && buffer[1] === 0xff)) {
    throw credentialsError('VaultCredentialNotUtf8', 'The file is UTF-16 text; vault credentials files are UTF-8.', { reason: 'utf16' });
  }
  try {
    return utf8.decode(buffer); // drops a UTF-8 BOM, which some editors add on save
  } catch {
    throw credentialsError('VaultCredentialNotUtf8', 'The file is not UTF-8 text.', { reason: 'invalidBytes' });
  }
}
