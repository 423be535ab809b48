/**
 * Azure Resource Manager's answer to `PUT …/vaults/{vault}/certificates/{name}`
 * (`VaultCertificateResponse`, Azure/azure-rest-api-specs, Microsoft.RecoveryServices): the vault's
 * Azure Active Directory details a credentials file is written from. The body is read as raw text
 * because its `resourceId` is an int64 past 2^53, which JSON.parse would round.
 */
import * as z from 'zod';
import { guid, httpsUrl, isInt64 } from '../../credentials/schema';
import { SetupError, clipParam } from '../../errors';
import { nextStep } from '../../nextActions';

/** What the credentials file takes from the answer. */
export interface VaultAadDetails {
  /** The vault's 64-bit resource id, as the decimal digits Azure sent. */
  resourceId: string;
  aadAuthority: string;
  aadTenantId: string;
  servicePrincipalClientId: string;
  azureManagementEndpointAudience: string;
  /** Absent in older answers. */
  aadAudience?: string;
}

/**
 * Only the fields the file needs, in the formats the file's own schema demands of them, so a bad
 * answer is refused here by its field rather than by the file's reader later. `subject`,
 * `thumbprint` and the rest are Azure's copy of what we sent.
 */
const responseSchema = z.object({
  properties: z.object({
    authType: z.string(),
    resourceId: z.string(),
    aadAuthority: httpsUrl,
    aadTenantId: guid,
    servicePrincipalClientId: guid,
    azureManagementEndpointAudience: httpsUrl,
    // Trimmed as the file's reader trims it: a blank one ("\r\n", a BOM) would write a file it refuses.
    aadAudience: z.string().trim().min(1).optional(),
  }),
});

/**
 * The characters XML 1.0 can carry (no NUL or other C0 controls, no U+FFFE/U+FFFF, no lone
 * surrogate): the file is XML, and the fuzzer's answers with others gave files our own reader refused.
 */
const XML_CHARS = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;

/** The only kind a backup file can be written from; the other (AccessControlService) is retired. */
const AAD_AUTH_TYPE = 'AzureActiveDirectory';

export function parseCertificateResponse(body: string): VaultAadDetails {
  const parsed = responseSchema.safeParse(parseKeepingNumbers(body));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw invalidResponse(issue.path.join('.') || 'body', issue.code);
  }
  const { authType, resourceId, ...details } = parsed.data.properties;
  for (const [field, value] of Object.entries(details)) {
    if (value !== undefined && !XML_CHARS.test(value)) throw invalidResponse(`properties.${field}`, 'notXmlText');
  }
  if (authType !== AAD_AUTH_TYPE) {
    throw new SetupError('AzureVaultCertificateWrongAuthType', `Azure answered the certificate upload for ${clipParam(authType)} authentication, not ${AAD_AUTH_TYPE}.`, {
      authType: clipParam(authType),
      ...nextStep('reportProblem'),
    });
  }
  // A JSON string of digits reads the same as a number here; anything else is refused.
  if (!isInt64(resourceId)) {
    throw new SetupError('AzureVaultResourceIdInvalid', `Azure gave the vault's resourceId as "${clipParam(resourceId)}", not a 64-bit integer.`, {
      resourceId: clipParam(resourceId),
      ...nextStep('reportProblem'),
    });
  }
  return { resourceId, ...details };
}

/**
 * JSON.parse, with every number kept as the text Azure wrote. The text is checked as JSON first,
 * so the rewrite only sees valid JSON: there, a string token is consumed whole before its digits
 * could match, and every other digit run is a number token, which becomes a JSON string.
 */
function parseKeepingNumbers(body: string): unknown {
  try {
    JSON.parse(body);
  } catch {
    throw invalidResponse('body', 'notJson');
  }
  return JSON.parse(body.replace(/("(?:[^"\\]|\\.)*")|(-?\d[\d.eE+-]*)/g, (_, string: string | undefined, number: string) => string ?? `"${number}"`));
}

export function invalidResponse(field: string, issue: string): SetupError {
  return new SetupError('AzureVaultCertificateResponseInvalid', `Azure's answer to the certificate upload is missing or has an invalid "${clipParam(field)}".`, {
    field: clipParam(field),
    issue,
    ...nextStep('reportProblem'),
  });
}
