/**
 * Issues vault credentials files the way the real vault does (agent facts §1): an
 * RSBackupVaultAADCreds document whose ManagementCert is a password-less PFX holding a fresh
 * self-signed RSA-2048 client certificate and its key. The local vault serves these files; the
 * test corpus bends the building blocks below into hostile variants.
 */
import { createHash, createPrivateKey, generateKeyPair, randomBytes, sign } from 'node:crypto';
import { promisify } from 'node:util';
import forge from '../core/forge';
import {
  BACKUP_ROOT,
  CERT_ISSUER_CN,
  CLIENT_AUTH_OID,
  ISSUE_BACKDATE_MS,
  certificateFriendlyName,
  credentialsFileName,
  formatAgentLinks,
  writeDataContractXml,
  type DataContractMember,
} from '../core/credentials/format';
import type { AgentLink } from '../core/credentials/model';

export interface VaultIdentity {
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  /** 64-bit number as a decimal string (not the ARM id). */
  resourceId: string;
  tenantId: string;
}

export interface IssuedCredentials {
  fileName: string;
  xml: string;
  certPem: string;
  keyPem: string;
  /** SHA-256 of the certificate DER, lowercase hex without colons. */
  fingerprint256: string;
  notBefore: Date;
  notAfter: Date;
}

/** The backup cmdlet's lifetime constant (agent facts §1d); parsers must still read the certificate. */
const DEFAULT_VALID_HOURS = 48;
const AAD_AUTHORITY = 'https://login.microsoftonline.com';

export interface KeyPairPem {
  publicKeyPem: string;
  privateKeyPem: string;
}

const generateKeyPairAsync = promisify(generateKeyPair);

/** A fresh RSA-2048 key pair from node's native generator (off the event loop, unlike forge's). */
export async function generateRsaKeyPair(): Promise<KeyPairPem> {
  const { publicKey, privateKey } = await generateKeyPairAsync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicKeyPem: publicKey, privateKeyPem: privateKey };
}

export interface CertificateOptions {
  notBefore: Date;
  notAfter: Date;
  /** Extended key usage OIDs; Client Authentication unless a test wants otherwise. */
  extKeyUsage?: readonly string[];
}

/**
 * A self-signed certificate, issuer and subject `CN=Windows Azure Tools`. Forge builds the
 * structure; node's crypto signs it, which is far faster than forge's pure-JS RSA.
 */
export function createSelfSignedCertificate(keys: KeyPairPem, options: CertificateOptions): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(keys.publicKeyPem);
  cert.serialNumber = randomSerial();
  cert.validity.notBefore = options.notBefore;
  cert.validity.notAfter = options.notAfter;
  const name = [{ shortName: 'CN', value: CERT_ISSUER_CN }];
  cert.setSubject(name);
  cert.setIssuer(name);
  // Forge keys usages by name when it knows the OID (and mis-encodes a known OID given as such).
  const eku: Record<string, unknown> = { name: 'extKeyUsage' };
  for (const oid of options.extKeyUsage ?? [CLIENT_AUTH_OID]) eku[forge.pki.oids[oid] ?? oid] = true;
  cert.setExtensions([
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    eku,
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.signatureOid = cert.siginfo.algorithmOid = forge.pki.oids.sha256WithRSAEncryption;
  cert.tbsCertificate = pkiInternals.getTBSCertificate(cert);
  const tbs = Buffer.from(forge.asn1.toDer(cert.tbsCertificate).getBytes(), 'binary');
  cert.signature = sign('sha256', tbs, createPrivateKey(keys.privateKeyPem)).toString('binary');
  return forge.pki.certificateToPem(cert);
}

/** Public in forge but missing from its type definitions. */
const pkiInternals = forge.pki as unknown as { getTBSCertificate(cert: forge.pki.Certificate): forge.asn1.Asn1 };

/** 16 random bytes as a positive DER integer: top bit cleared (DER integers are signed), first byte never 0 (OpenSSL refuses a padding byte). */
export function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytes.toString('hex');
}

export interface ManagementCertOptions {
  certPem: string;
  /** `null` leaves the key out of the PFX. */
  keyPem: string | null;
  friendlyName: string;
  /** Omitted for the real, password-less PFX. */
  password?: string;
}

/** The ManagementCert element's value: base64 of a PKCS#12 with the certificate and (normally) its key. */
export function encodeManagementCert(options: ManagementCertOptions): string {
  const key = options.keyPem === null ? null : forge.pki.privateKeyFromPem(options.keyPem);
  const cert = forge.pki.certificateFromPem(options.certPem);
  const pfx = forge.pkcs12.toPkcs12Asn1(key, cert, options.password ?? null, {
    algorithm: '3des',
    friendlyName: options.friendlyName,
  });
  return Buffer.from(forge.asn1.toDer(pfx).getBytes(), 'binary').toString('base64');
}

export interface BackupCredentialsContent {
  vault: VaultIdentity;
  endpoint: string;
  agentLinks: readonly AgentLink[];
  managementCert: string;
}

/** The RSBackupVaultAADCreds members, in BACKUP_ELEMENTS order. */
export function backupCredentialsMembers(content: BackupCredentialsContent): DataContractMember[] {
  const { vault } = content;
  const aad = aadDetails(vault);
  return [
    ['Version', '2.0'],
    ['SubscriptionId', vault.subscriptionId],
    ['ResourceType', 'Vaults'],
    ['ResourceName', vault.name],
    ['ManagementCert', content.managementCert],
    ['ResourceId', vault.resourceId],
    ['ResourceGroup', vault.resourceGroup],
    ['Location', vault.location],
    ['ProviderNamespace', 'Microsoft.RecoveryServices'],
    ['AadAuthority', aad.authority],
    ['AadTenantId', aad.tenantId],
    ['AadAudience', aad.audience],
    ['ServicePrincipalClientId', aad.servicePrincipalClientId],
    ['IdMgmtRestEndpoint', content.endpoint],
    ['AgentLinks', formatAgentLinks(content.agentLinks)],
    ['PrivateEndpointStateForBackup', null],
  ];
}

/** The vault's Azure AD details, shared by its credentials files and its ARM certificate answers. */
export interface AadDetails {
  authority: string;
  tenantId: string;
  audience: string;
  servicePrincipalClientId: string;
  servicePrincipalObjectId: string;
}

export function aadDetails(vault: VaultIdentity): AadDetails {
  return {
    authority: AAD_AUTHORITY,
    tenantId: vault.tenantId,
    audience: `https://RecoveryServiceVault/${vault.location}/${vault.name}/${vault.resourceId}`,
    servicePrincipalClientId: stableUuid(`${vault.subscriptionId}/${vault.resourceId}`),
    servicePrincipalObjectId: stableUuid(`${vault.subscriptionId}/${vault.resourceId}/object`),
  };
}

/** The vault's service principal is stable per vault, so derive its ids rather than draw them. */
function stableUuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function fingerprint256(certPem: string): string {
  const der = forge.asn1.toDer(forge.pki.certificateToAsn1(forge.pki.certificateFromPem(certPem))).getBytes();
  return createHash('sha256').update(Buffer.from(der, 'binary')).digest('hex');
}

export async function issueCredentials(opts: {
  vault: VaultIdentity;
  endpoint: string;
  agentLinks: AgentLink[];
  validHours?: number;
  now?: Date;
}): Promise<IssuedCredentials> {
  const now = opts.now ?? new Date();
  const notBefore = new Date(now.getTime() - ISSUE_BACKDATE_MS);
  const notAfter = new Date(now.getTime() + (opts.validHours ?? DEFAULT_VALID_HOURS) * 3_600_000);
  const keys = await generateRsaKeyPair();
  const certPem = createSelfSignedCertificate(keys, { notBefore, notAfter });
  const managementCert = encodeManagementCert({
    certPem,
    keyPem: keys.privateKeyPem,
    friendlyName: certificateFriendlyName(opts.vault.name, opts.vault.subscriptionId, now),
  });
  const members = backupCredentialsMembers({ vault: opts.vault, endpoint: opts.endpoint, agentLinks: opts.agentLinks, managementCert });
  return {
    fileName: credentialsFileName(opts.vault.name, now),
    xml: writeDataContractXml(BACKUP_ROOT, members),
    certPem,
    keyPem: keys.privateKeyPem,
    fingerprint256: fingerprint256(certPem),
    notBefore,
    notAfter,
  };
}
