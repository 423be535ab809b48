/**
 * What every command starts from: the install folder (the agent runs from
 * `<installFolder>/agent/main.js`), its layout, and, for all but `register`, the agent
 * configuration there.
 */
import path from 'node:path';
import { readAgentConfig, type AgentConfig } from '../core/config/agentConfig';
import { agentLayout, type AgentLayout } from '../core/config/layout';
import { SetupError } from '../core/errors';
import { nextStep } from '../core/registration/errors';
import { LocalTarget } from '../core/target/local';
import type { Target } from '../core/target/target';

export interface AgentPlace {
  target: Target;
  layout: AgentLayout;
}

export interface AgentContext extends AgentPlace {
  config: AgentConfig;
}

/** Announces the stage a command enters (on stderr, for the setup that runs it). */
export type StageOut = (name: string) => void;

/** The install folder the running agent belongs to: the parent of the folder main.js is in. */
export function defaultInstallFolder(): string {
  return path.resolve(__dirname, '..');
}

export function agentPlace(installFolder = defaultInstallFolder()): AgentPlace {
  const target = new LocalTarget();
  return { target, layout: agentLayout(target, path.resolve(installFolder)) };
}

/** The place with its configuration; AgentNotConfigured when there is none. */
export async function withConfig(place: AgentPlace): Promise<AgentContext> {
  const config = await readAgentConfig(place.target, place.layout);
  if (!config) {
    throw new SetupError('AgentNotConfigured', `There is no agent configuration at ${place.layout.configFile}: set this server up first.`, {
      file: place.layout.configFile,
      ...nextStep('register'),
    });
  }
  return { ...place, config };
}
