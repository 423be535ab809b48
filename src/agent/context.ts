/**
 * What every command starts from: the install folder (the agent runs from
 * `<installFolder>/agent/main.js`), its layout, and the agent configuration there.
 */
import path from 'node:path';
import { readAgentConfig, type AgentConfig } from '../core/config/agentConfig';
import { agentLayout, type AgentLayout } from '../core/config/layout';
import { SetupError } from '../core/errors';
import { LocalTarget } from '../core/target/local';
import type { Target } from '../core/target/target';

export interface AgentContext {
  target: Target;
  layout: AgentLayout;
  config: AgentConfig;
}

/** The install folder the running agent belongs to: the parent of the folder main.js is in. */
export function defaultInstallFolder(): string {
  return path.resolve(__dirname, '..');
}

export async function loadContext(installFolder = defaultInstallFolder()): Promise<AgentContext> {
  const target = new LocalTarget();
  const layout = agentLayout(target, path.resolve(installFolder));
  const config = await readAgentConfig(target, layout);
  if (!config) {
    throw new SetupError('AgentNotConfigured', `There is no agent configuration at ${layout.configFile}: set this server up first.`, {
      file: layout.configFile,
    });
  }
  return { target, layout, config };
}
