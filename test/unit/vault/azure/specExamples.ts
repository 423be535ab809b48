// The Azure REST API's own examples (test/fixtures/azure-rest-api-specs, sources in its README):
// the vault as its GET describes it, and the certificate PUT's 200 body as raw text, cut out of
// the example file unparsed so its numbers stay as written.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AzureVault } from '../../../../src/core/vault/azure/credentialsFile';

const DIR = path.resolve(__dirname, '../../../fixtures/azure-rest-api-specs');

interface GetVaultExample {
  responses: { 200: { body: { id: string; name: string; location: string; properties: { privateEndpointStateForBackup?: string } } } };
}

/** The vault of GETVault.json; subscription and resource group from its ARM id. */
export function specVault(): AzureVault {
  const { body } = (JSON.parse(readFileSync(path.join(DIR, 'GETVault.json'), 'utf8')) as GetVaultExample).responses[200];
  const [, subscriptionId, resourceGroup] = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\//i.exec(body.id)!;
  return { name: body.name, subscriptionId: subscriptionId!, resourceGroup: resourceGroup!, location: body.location, privateEndpointStateForBackup: body.properties.privateEndpointStateForBackup };
}

/** PUTVaultCred.json's `responses.200.body`, as the text the example holds. */
export function specCertificateResponseBody(): string {
  const text = readFileSync(path.join(DIR, 'PUTVaultCred.json'), 'utf8');
  const start = text.indexOf('{', text.indexOf('"body"', text.indexOf('"200"')));
  return text.slice(start, matchingBrace(text, start) + 1);
}

/** Index of the brace closing the object opened at `start`, strings skipped. */
function matchingBrace(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  throw new Error('unbalanced example');
}

/** The example's answer as an object, for tests that bend one field (numbers rounded: only for fields other than resourceId). */
export function specCertificateResponse(): { properties: Record<string, unknown> } {
  return JSON.parse(specCertificateResponseBody()) as { properties: Record<string, unknown> };
}
