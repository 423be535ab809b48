/** The fleet: many servers set up with one credentials file, a bounded number at a time. */
export { startFleet } from './run';
export { serversToRetry } from './report';
export { credentialsForRun, type RunCredentials, type RunCredentialsInput } from './credentials';
export * from './types';
export { agentFolderProblem, folderForServer, SERVER_TOKEN, type AgentFolders } from './folders';
