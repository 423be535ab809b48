/**
 * Turns the bytes of a vault credentials file into a validated VaultCredentials, or a
 * SetupError naming exactly what is wrong. Checks run cheapest first, so hostile input is
 * refused before the expensive certificate work.
 */
import { ContentCache } from '../contentCache';
import { decodeManagementCert, type ManagementCertificate } from './certificate';
import { decodeCredentialsText } from './encoding';
import { credentialsError } from './errors';
import { CREDENTIALS_EXTENSION, ISSUE_BACKDATE_MS, parseAgentLinks } from './format';
import { ClientCertificate, type VaultCredentials } from './model';
import { MAX_CREDENTIALS_BYTES, tooLarge } from './read';
import { readBackupDocument } from './schema';
import { checkValidity } from './validity';
import { parseXml } from './xml';

interface Decoded {
  members: ReturnType<typeof readBackupDocument>;
  cert: ManagementCertificate;
  clientCertificate: ClientCertificate;
}

/**
 * What a file's bytes say, whatever the clock: a fleet decodes its one file once, not per server.
 * Held weakly (the client key is in it), and kept alive by the one ClientCertificate every reader
 * of these bytes shares: while a fleet holds the credentials it read first, each server's read
 * finds them decoded (before, nothing held the entry and most servers decoded the file again).
 */
const decoded = new ContentCache<Decoded>();
/** Each shared certificate keeps its entry alive, as long as the certificate lives and no longer. */
const entryOf = new WeakMap<ClientCertificate, Decoded>();

export function parseCredentials(buffer: Uint8Array, fileName: string, now: Date = new Date()): VaultCredentials {
  checkExtension(fileName);
  if (buffer.byteLength > MAX_CREDENTIALS_BYTES) throw tooLarge(buffer.byteLength, MAX_CREDENTIALS_BYTES);
  const { members, cert, clientCertificate } = decoded.get(buffer, (bytes) => {
    const members = readBackupDocument(parseXml(decodeCredentialsText(bytes)));
    const cert = decodeManagementCert(members.ManagementCert);
    const certificate = new ClientCertificate(cert.certPem, cert.keyPem, cert.fingerprint256);
    const entry = { members, cert, clientCertificate: certificate };
    entryOf.set(certificate, entry);
    return entry;
  });
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
    // Copies: the decoded certificate is shared by every reader of the same bytes.
    notBefore: new Date(cert.notBefore),
    expiresAt: new Date(cert.notAfter),
    timeLeftMs: cert.notAfter.getTime() - now.getTime(),
    fingerprint256: cert.fingerprint256,
    clientCertificate,
  };
}

/** Registration fails for any other extension (agent facts §1e), so refuse it here with a clear reason. */
function checkExtension(fileName: string): void {
  if (!fileName.toLowerCase().endsWith(CREDENTIALS_EXTENSION.toLowerCase())) {
    throw credentialsError('VaultCredentialBadExtension', `Vault credentials files end in ${CREDENTIALS_EXTENSION}; was the file renamed?`, {
      expected: CREDENTIALS_EXTENSION,
    });
  }
}
