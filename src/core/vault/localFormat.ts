/**
 * What marks a credentials file as the local vault's: its AgentLinks name the local vault's own
 * agent download (GET /v1/agent/latest, docs/vault-api.md), which is where the reference agent
 * comes from. A real Azure file links to the MARS agent's download instead. The vault writes its
 * links with localAgentLinks, so the two cannot drift apart.
 */
import type { AgentLink, VaultCredentials } from '../credentials/model';

const LOCAL_AGENT_LINK = 'BackupAgent';
const LOCAL_AGENT_PATH = '/v1/agent/latest';

/** The AgentLinks the local vault writes into the files it issues for `endpoint`. */
export function localAgentLinks(endpoint: string): AgentLink[] {
  return [{ name: LOCAL_AGENT_LINK, url: `${endpoint.replace(/\/+$/, '')}${LOCAL_AGENT_PATH}` }];
}

/** The file carries the local vault's agent link (https, the vault's agent path). */
export function namesLocalVault(credentials: Pick<VaultCredentials, 'agentLinks'>): boolean {
  return credentials.agentLinks.some((link) => {
    if (link.name !== LOCAL_AGENT_LINK) return false;
    try {
      const url = new URL(link.url);
      return url.protocol === 'https:' && url.pathname.endsWith(LOCAL_AGENT_PATH);
    } catch {
      return false;
    }
  });
}
