/** The agent on the server: its install folder, configuration and certificate, its lock, its answers. */
export const AgentCode = {
  InstallFolderNotAbsolute: 'InstallFolderNotAbsolute',
  /** The install record (config/installRecord.ts) is there but cannot be read, or says nothing usable. */
  InstallRecordUnreadable: 'InstallRecordUnreadable',
  InstallRecordInvalid: 'InstallRecordInvalid',
  NotInstalled: 'AgentNotInstalled',
  NotConfigured: 'AgentNotConfigured',
  NotRegistered: 'AgentNotRegistered',
  ConfigCorrupt: 'AgentConfigCorrupt',
  MachineCertificateMissing: 'MachineCertificateMissing',
  ProxyPasswordFileMissing: 'AgentProxyPasswordFileMissing',
  ProxyPasswordFileUnsafe: 'AgentProxyPasswordFileUnsafe',
  /** Another command holds the agent's lock. */
  Busy: 'AgentBusy',
  /** The server's clock is too far from the vault's. */
  ServerClockSkew: 'ServerClockSkew',
  /** A command line the agent does not understand. */
  Usage: 'AgentUsage',
  RequestInvalid: 'AgentRequestInvalid',
  AnswerInvalid: 'AgentAnswerInvalid',
  Failed: 'AgentFailed',
  /** A refusal with a code this build does not know (another version's agent): the raw code is `params.agentErrorCode`. */
  Unknown: 'AgentErrorUnknown',
} as const;
export type AgentCode = (typeof AgentCode)[keyof typeof AgentCode];
