/**
 * A hostile corpus of vault credentials files, written as real files, built from the issuer so
 * every case differs from a genuine file in exactly the way its name says.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  BACKUP_ROOT,
  LEGACY_BACKUP_ROOT,
  certificateFriendlyName,
  credentialsFileName,
  writeDataContractXml,
  type DataContractMember,
} from '../../src/core/credentials/format';
import type { CredentialsCode } from '../../src/core/credentials/errors';
import { createSelfSignedCertificate, encodeManagementCert, generateRsaKeyPair } from '../../src/core/credentials/selfSigned';
import { backupCredentialsMembers, issueCredentials, type IssuedCredentials, type VaultIdentity } from '../../src/vault/issuer';

export const TEST_VAULT: VaultIdentity = {
  name: 'lab1',
  subscriptionId: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
  resourceGroup: 'backup-rg',
  location: 'westeurope',
  resourceId: '6248101342578612345',
  tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
};

export const OTHER_VAULT: VaultIdentity = {
  name: 'prod-vault',
  subscriptionId: 'a8d0c6a2-1b7e-4f3c-9d55-6e0f1b2c3d4e',
  resourceGroup: 'prod-rg',
  location: 'northeurope',
  resourceId: '9001234567890123456',
  tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
};

export const TEST_ENDPOINT = 'https://127.0.0.1:8443/registration';
export const TEST_AGENT_LINKS = [
  { name: 'MARSAgentInstaller', url: 'https://127.0.0.1:8443/agent/MARSAgentInstaller.exe' },
  { name: 'Help', url: 'https://127.0.0.1:8443/help' },
];

export function issueTestCredentials(now: Date, vault: VaultIdentity = TEST_VAULT): Promise<IssuedCredentials> {
  return issueCredentials({ vault, endpoint: TEST_ENDPOINT, agentLinks: TEST_AGENT_LINKS, now });
}

export interface HostileCase {
  name: string;
  file: string;
  code: CredentialsCode;
}

export interface CredentialsCorpus {
  now: Date;
  valid: { file: string; issued: IssuedCredentials };
  otherVault: { file: string; issued: IssuedCredentials };
  hostile: HostileCase[];
  /** Secrets planted in the corpus; no error may ever repeat them. */
  secrets: string[];
}

const HOUR = 3_600_000;
const PFX_PASSWORD = 'corpus-pfx-password-7f3a';

export async function buildCredentialsCorpus(dir: string, now: Date): Promise<CredentialsCorpus> {
  const [valid, otherVault, expired, future, soon, keys, strangerKeys] = await Promise.all([
    issueTestCredentials(now),
    issueTestCredentials(now, OTHER_VAULT),
    issueTestCredentials(new Date(now.getTime() - 72 * HOUR)),
    issueTestCredentials(new Date(now.getTime() + 2 * HOUR)),
    // NotBefore = issue time - 10 min, so this one becomes valid two minutes from now.
    issueTestCredentials(new Date(now.getTime() + 12 * 60_000)),
    generateRsaKeyPair(),
    generateRsaKeyPair(),
  ]);
  const write = async (name: string, content: string | Uint8Array): Promise<string> => {
    const file = path.join(dir, name);
    await fs.writeFile(file, content);
    return file;
  };
  const fileName = (label: string): string => credentialsFileName(`${TEST_VAULT.name}-${label}`, now);
  const validity = { notBefore: valid.notBefore, notAfter: valid.notAfter };
  const friendlyName = certificateFriendlyName(TEST_VAULT.name, TEST_VAULT.subscriptionId, now);
  const withCert = (certPem: string, keyPem: string | null, password?: string): string =>
    backupXml({ managementCert: encodeManagementCert({ certPem, keyPem, friendlyName, password }) });
  const ownCert = createSelfSignedCertificate(keys, validity);

  const cases: Array<[string, CredentialsCode, string | Uint8Array, string?]> = [
    ['expired', 'CBPUserExpiredVaultCredential', expired.xml],
    ['clock-skew', 'VaultCredentialClockSkew', future.xml],
    ['not-yet-valid', 'VaultCredentialNotYetValid', soon.xml],
    ['corrupt-base64', 'VaultCredentialCorruptCertificate', backupXml({ managementCert: 'MIIK$$not*base64' })],
    ['corrupt-pfx', 'VaultCredentialCorruptCertificate', backupXml({ managementCert: certOf(valid.xml).slice(0, 1200) })],
    ['truncated-xml', 'VaultCredentialMalformedXml', valid.xml.slice(0, Math.floor(valid.xml.length / 2))],
    ['wrong-root', 'VaultCredentialWrongRoot', writeDataContractXml('VaultSettings', backupMembers())],
    ['site-recovery-asr', 'VaultCredentialSiteRecovery', writeDataContractXml('ASRVaultCreds', siteRecoveryMembers())],
    ['site-recovery-rs', 'VaultCredentialSiteRecovery', writeDataContractXml('RSVaultAsrCreds', siteRecoveryMembers())],
    ['legacy', 'VaultCredentialLegacy', writeDataContractXml(LEGACY_BACKUP_ROOT, legacyMembers())],
    ['xxe', 'VaultCredentialUnsafeXml', withDoctype(valid.xml, '<!ENTITY xxe SYSTEM "file:///etc/passwd">', '&xxe;')],
    ['entity-bomb', 'VaultCredentialUnsafeXml', withDoctype(valid.xml, billionLaughs(), '&lol9;')],
    ['undeclared-entity', 'VaultCredentialUnsafeXml', valid.xml.replace('<ResourceGroup>', '<ResourceGroup>&payload;')],
    ['wrong-namespace', 'VaultCredentialInvalidField', valid.xml.replace(/xmlns="[^"]+"/, 'xmlns="urn:not-datacontract"')],
    ['missing-endpoint', 'VaultCredentialInvalidField', valid.xml.replace(/\s*<IdMgmtRestEndpoint>[^<]*<\/IdMgmtRestEndpoint>/, '')],
    ['non-utf8', 'VaultCredentialInvalidEncoding', latin1ResourceGroup(valid.xml)],
    // Notepad's "Unicode": UTF-16LE with a byte-order mark, the declaration still saying utf-8.
    ['utf16-declaring-utf8', 'VaultCredentialEncodingMismatch', Buffer.from(`\ufeff${valid.xml}`, 'utf16le')],
    ['unknown-encoding', 'VaultCredentialUnsupportedEncoding', valid.xml.replace('encoding="utf-8"', 'encoding="x-no-such-encoding"')],
    ['renamed', 'VaultCredentialBadExtension', valid.xml, `${TEST_VAULT.name}_credentials.xml`],
    ['pfx-password', 'VaultCredentialPfxPassword', withCert(ownCert, keys.privateKeyPem, PFX_PASSWORD)],
    ['pfx-no-key', 'VaultCredentialNoPrivateKey', withCert(ownCert, null)],
    ['pfx-key-mismatch', 'VaultCredentialKeyMismatch', withCert(ownCert, strangerKeys.privateKeyPem)],
    [
      // Public key A, signed by key B: the PFX's MAC is intact, the certificate is not.
      'bad-signature',
      'VaultCredentialCorruptCertificate',
      withCert(createSelfSignedCertificate({ ...keys, privateKeyPem: strangerKeys.privateKeyPem }, validity), keys.privateKeyPem),
    ],
    [
      'server-auth-only',
      'VaultCredentialWrongKeyUsage',
      withCert(createSelfSignedCertificate(keys, { ...validity, extKeyUsage: ['1.3.6.1.5.5.7.3.1'] }), keys.privateKeyPem),
    ],
  ];
  const hostile: HostileCase[] = [];
  for (const [name, code, content, explicitName] of cases) {
    hostile.push({ name, code, file: await write(explicitName ?? fileName(name), content) });
  }
  hostile.push({ name: 'huge', code: 'VaultCredentialTooLarge', file: await hugeFile(path.join(dir, fileName('huge')), valid.xml) });

  return {
    now,
    valid: { file: await write(valid.fileName, valid.xml), issued: valid },
    otherVault: { file: await write(otherVault.fileName, otherVault.xml), issued: otherVault },
    hostile,
    secrets: [valid.keyPem, keys.privateKeyPem, PFX_PASSWORD].flatMap(secretFragments),
  };

  function backupMembers(overrides: { managementCert?: string } = {}): DataContractMember[] {
    return backupCredentialsMembers({
      vault: TEST_VAULT,
      endpoint: TEST_ENDPOINT,
      agentLinks: TEST_AGENT_LINKS,
      managementCert: overrides.managementCert ?? certOf(valid.xml),
    });
  }
  function backupXml(overrides: { managementCert?: string }): string {
    return writeDataContractXml(BACKUP_ROOT, backupMembers(overrides));
  }
  function siteRecoveryMembers(): DataContractMember[] {
    return [
      ['SubscriptionId', TEST_VAULT.subscriptionId],
      ['ResourceType', 'Vaults'],
      ['ResourceName', TEST_VAULT.name],
      ['ManagementCert', certOf(valid.xml)],
      ['ResourceGroupName', TEST_VAULT.resourceGroup],
      ['SiteId', '/subscriptions/x/sites/hyperv-site-1'],
      ['SiteName', 'hyperv-site-1'],
      ['ChannelIntegrityKey', 'c2l0ZS1yZWNvdmVyeS1pbnRlZ3JpdHk='],
    ];
  }
  function legacyMembers(): DataContractMember[] {
    return [
      ['SubscriptionId', TEST_VAULT.subscriptionId],
      ['ResourceType', 'BackupVault'],
      ['ResourceName', TEST_VAULT.name],
      ['ManagementCert', certOf(valid.xml)],
      [
        'AcsNamespace',
        [
          ['HostName', 'accesscontrol.example'],
          ['Namespace', 'lab1-acs'],
          ['ResourceProviderRealm', 'http://backup.example/'],
        ],
      ],
      ['AgentLinks', 'MARS,https://127.0.0.1:8443/agent'],
    ];
  }
}

export function certOf(xml: string): string {
  return /<ManagementCert>([^<]*)<\/ManagementCert>/.exec(xml)![1]!;
}

function withDoctype(xml: string, declarations: string, reference: string): string {
  return xml
    .replace('?>', `?>\n<!DOCTYPE ${BACKUP_ROOT} [\n${declarations}\n]>`)
    .replace(`<ResourceName>${TEST_VAULT.name}`, `<ResourceName>${reference}`);
}

function billionLaughs(): string {
  const lines = ['<!ENTITY lol0 "lol">'];
  for (let i = 1; i <= 9; i++) lines.push(`<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`);
  return lines.join('\n');
}

/** The resource group spelt with a Latin-1 "é" (0xE9): a file re-saved in a legacy code page. */
function latin1ResourceGroup(xml: string): Buffer {
  return Buffer.from(xml.replace(`<ResourceGroup>${TEST_VAULT.resourceGroup}`, `<ResourceGroup>${TEST_VAULT.resourceGroup}\u00e9`), 'latin1');
}

/** A genuine file padded to 100 MiB (sparse, so cheap to create but honestly that size). */
async function hugeFile(file: string, xml: string): Promise<string> {
  await fs.writeFile(file, xml);
  await fs.truncate(file, 100 * 1024 * 1024);
  return file;
}

/** Recognisable slices of a secret: a leaked key would show at least one of its base64 lines. */
function secretFragments(secret: string): string[] {
  const lines = secret.split(/\r?\n/).filter((line) => line.length >= 16 && !line.startsWith('-----'));
  return lines.length > 0 ? lines : [secret];
}
