/** Agent download and install: the API the registration flow, the CLI and the extension call. */
export { downloadAgent, RunPackages, type DownloadAgentOptions, type DownloadedAgent, type DownloadProgress } from './download';
export { unpackAgent, type UnpackAgentOptions, type UnpackProgress } from './unpack';
export { checkPrerequisites, missingPrerequisitesError, MIN_NODE_MAJOR, type PrerequisiteCheck, type PrerequisiteReport } from './prerequisites';
export { installAgent, type InstallAgentOptions, type InstalledAgent, type InstallProgress } from './install';
