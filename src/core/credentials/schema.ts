/**
 * The three flavours of vault credentials file (agent facts §1a-1c), recognised by their root element
 * and validated with zod. Only the current backup flavour is accepted; the others are refused
 * with a message that tells the user which file to fetch instead.
 */
import * as z from 'zod';
import { clipParam, type ErrorParams } from '../errors';
import { RESOURCE_GROUP_NAME, VAULT_NAME } from '../vault/azure/names';
import { credentialsError } from './errors';
import { BACKUP_ELEMENTS, BACKUP_ROOT, DATACONTRACT_NS, LEGACY_BACKUP_ROOT, SITE_RECOVERY_ROOTS, type BackupElement } from './format';
import type { XmlElement } from './xml';

/** A member's value: text, null for `i:nil`, or nested members (the legacy AcsNamespace). */
type MemberValue = string | null | { [name: string]: MemberValue };

interface DocumentInput {
  namespace: string;
  /** Member names in document order, to check the serializer's fixed order. */
  order: string[];
  members: Record<string, MemberValue>;
}

/** Formats of the file's members, shared with what the members are written from (Azure's answers). */
export const guid = z.guid();
export const httpsUrl = z.url({ protocol: /^https$/ });
const INT64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };

/**
 * A signed 64-bit integer in decimal, as the vault's resource id is (ResourceId here, resourceId in
 * Azure's answers). zod runs every refinement even after a failed regex, so the format test must come first here.
 */
export function isInt64(text: string): boolean {
  return /^-?\d{1,20}$/.test(text) && BigInt(text) >= INT64.min && BigInt(text) <= INT64.max;
}


const backupSchema = z
  .object({
    namespace: z.literal(DATACONTRACT_NS),
    order: z.array(z.string()),
    members: z.object({
      Version: z.literal('2.0'),
      SubscriptionId: guid,
      ResourceType: z.literal('Vaults'),
      ResourceName: z.string().regex(VAULT_NAME),
      ManagementCert: z.string().min(1),
      ResourceId: z.string().refine(isInt64, 'not a 64-bit number'),
      ResourceGroup: z.string().regex(RESOURCE_GROUP_NAME),
      Location: z.string().regex(/^[A-Za-z0-9 -]{1,64}$/),
      ProviderNamespace: z.literal('Microsoft.RecoveryServices'),
      AadAuthority: httpsUrl,
      AadTenantId: guid,
      // Older cmdlet versions omit AadAudience (agent facts §1a).
      AadAudience: z.string().min(1).nullish(),
      ServicePrincipalClientId: guid,
      IdMgmtRestEndpoint: httpsUrl,
      AgentLinks: z.string().nullish(),
      PrivateEndpointStateForBackup: z.string().nullish(),
    }),
  })
  .superRefine((doc, ctx) => {
    // DataContractSerializer reads members in a fixed order; the portal never writes another.
    const known = doc.order.filter((name): name is BackupElement => (BACKUP_ELEMENTS as readonly string[]).includes(name));
    const outOfPlace = known.find((name, i) => i > 0 && BACKUP_ELEMENTS.indexOf(name) < BACKUP_ELEMENTS.indexOf(known[i - 1]!));
    if (outOfPlace) ctx.addIssue({ code: 'custom', path: ['members', outOfPlace], message: 'out of order' });
  });

export type BackupMembers = z.infer<typeof backupSchema>['members'];

/** The refused flavours are validated only to name the vault or site in the refusal. */
const legacySchema = z.object({
  namespace: z.literal(DATACONTRACT_NS),
  members: z.object({ ResourceName: z.string().min(1), AcsNamespace: z.object({}).loose() }),
});
const siteRecoverySchema = z.object({
  namespace: z.literal(DATACONTRACT_NS),
  members: z.object({ ResourceName: z.string().min(1), SiteName: z.string().nullish() }),
});

export function readBackupDocument(root: XmlElement): BackupMembers {
  if (root.name === BACKUP_ROOT) {
    const result = backupSchema.safeParse(documentInput(root));
    if (result.success) return result.data.members;
    const issue = result.error.issues[0]!;
    const field = issue.path.filter((p) => p !== 'members').join('.') || 'document';
    throw credentialsError('VaultCredentialInvalidField', `The vault credentials field "${field}" is missing or invalid.`, {
      field,
      issue: issue.code,
    });
  }
  if (root.name === LEGACY_BACKUP_ROOT) {
    throw credentialsError(
      'VaultCredentialLegacy',
      'This is a retired (ACS-era) vault credentials file. Download a new one from the vault.',
      refusalDetails(legacySchema, root, (doc) => ({ vaultName: clipParam(doc.members.ResourceName) })),
    );
  }
  if ((SITE_RECOVERY_ROOTS as readonly string[]).includes(root.name)) {
    throw credentialsError(
      'VaultCredentialSiteRecovery',
      'This is a Site Recovery credentials file, not one for backup agents. Download the backup agent credentials instead.',
      {
        root: root.name,
        ...refusalDetails(siteRecoverySchema, root, ({ members }) => ({
          vaultName: clipParam(members.ResourceName),
          ...(members.SiteName ? { siteName: clipParam(members.SiteName) } : {}),
        })),
      },
    );
  }
  throw credentialsError('VaultCredentialWrongRoot', 'This is not a vault credentials file.', { root: clipParam(root.name) });
}

/** Names for a refusal's message; a refused file that does not even fit its flavour's schema gets none. */
function refusalDetails<T>(schema: z.ZodType<T>, root: XmlElement, pick: (doc: T) => ErrorParams): ErrorParams {
  try {
    const parsed = schema.safeParse(documentInput(root));
    return parsed.success ? pick(parsed.data) : {};
  } catch {
    return {}; // duplicate or over-nested members: still refused for its flavour, just without names
  }
}

/** Members in the root's namespace; others are foreign to the serializer and ignored like it does. */
function documentInput(root: XmlElement): DocumentInput {
  const own = root.children.filter((child) => child.namespace === root.namespace);
  return { namespace: root.namespace, order: own.map((c) => c.name), members: membersOf(own, 1) };
}

/** DataContract documents here nest at most one level (AcsNamespace); deeper is refused, not recursed. */
const MAX_MEMBER_DEPTH = 2;

function membersOf(elements: XmlElement[], depth: number): Record<string, MemberValue> {
  const members = new Map<string, MemberValue>();
  for (const element of elements) {
    if (members.has(element.name)) throw invalidField(element.name, 'duplicate');
    members.set(element.name, memberValue(element, depth));
  }
  return Object.fromEntries(members); // fromEntries defines own keys, so "__proto__" stays data
}

function memberValue(element: XmlElement, depth: number): MemberValue {
  if (element.nil) return null;
  if (element.children.length === 0) return element.text.trim();
  if (element.text.trim() !== '') throw invalidField(element.name, 'mixedContent');
  if (depth >= MAX_MEMBER_DEPTH) throw invalidField(element.name, 'tooDeep');
  return membersOf(element.children, depth + 1);
}

function invalidField(field: string, issue: string) {
  return credentialsError('VaultCredentialInvalidField', `The vault credentials field "${clipParam(field)}" is invalid.`, { field: clipParam(field), issue });
}
