/**
 * The vault services and agents a setup can mean, and their names in English. No imports: the
 * setup page's protocol checks these kinds and its string table holds these names.
 */
export const BACKEND_KINDS = ['local', 'azure'] as const;
/** The vault services a credentials file can belong to. */
export type BackendKind = (typeof BACKEND_KINDS)[number];

export const AGENT_KINDS = ['reference', 'mars'] as const;
/** The agents a server can get. */
export type AgentKind = (typeof AGENT_KINDS)[number];

/** How a plan names the backend and the agent (English; the VS Code side translates these texts). */
export const CHOICE_LABELS = {
  backend: { local: 'local vault', azure: 'Azure Recovery Services' },
  agent: { reference: 'reference agent (Linux)', mars: 'MARS agent (Windows)' },
} as const satisfies { backend: Record<BackendKind, string>; agent: Record<AgentKind, string> };
