/**
 * The service's agent driver, chosen by the core from the target's probed platform and the vault
 * backend (vault/choose.ts's one rule, which the fleet's plan applies too): an Azure vault's
 * Windows server gets the MARS driver, a local vault's POSIX server the reference agent; any other
 * pair is refused before anything runs on the target. The choice is made on the first call (the
 * target's facts are asked once) and kept.
 */
import { SetupError } from '../errors';
import { nextStep } from '../nextActions';
import type { HostFacts } from '../target/target';
import { agentForServer } from '../vault/choose';
import { CHOICE_LABELS, type AgentKind, type BackendKind } from '../vault/kinds';
import type { AgentDriver } from './driver';
import type { InstallHost } from './reference/install';

/** What an agent's driver is built with: the reference agent's host, and the target's facts (a heavy driver loads on first use). */
export type AgentFactory = (host: InstallHost, facts: HostFacts) => AgentDriver | Promise<AgentDriver>;

/** The drivers this surface offers, per agent. */
export type AgentFactories = Partial<Record<AgentKind, AgentFactory>>;

export class ChosenAgentDriver implements AgentDriver {
  private chosen?: Promise<{ kind: AgentKind; driver: AgentDriver }>;

  constructor(
    private readonly host: InstallHost,
    private readonly backend: BackendKind,
    private readonly factories: AgentFactories,
  ) {}

  /** The agent this target gets (refused as `driver()` is). */
  async kind(signal?: AbortSignal): Promise<AgentKind> {
    return (await this.choose(signal)).kind;
  }

  private choose(signal?: AbortSignal): Promise<{ kind: AgentKind; driver: AgentDriver }> {
    this.chosen ??= (async () => {
      const { target } = this.host;
      const facts = await target.facts(signal);
      const kind = agentForServer(this.backend, facts, target.label);
      const factory = this.factories[kind];
      if (!factory) {
        throw new SetupError('AgentNotOfferedHere', `The ${CHOICE_LABELS.agent[kind]} that ${target.label} needs cannot be set up from here.`, {
          agent: CHOICE_LABELS.agent[kind],
          server: target.label,
          ...nextStep('setUpFromVsCode'),
        });
      }
      return { kind, driver: await factory(this.host, facts) };
    })();
    // A refusal or a failed probe is not kept: the next call asks again.
    this.chosen.catch(() => (this.chosen = undefined));
    return this.chosen;
  }

  private async driver(signal?: AbortSignal): Promise<AgentDriver> {
    return (await this.choose(signal)).driver;
  }

  async requirePrerequisites(signal?: AbortSignal) {
    return (await this.driver(signal)).requirePrerequisites(signal);
  }

  async install(...args: Parameters<AgentDriver['install']>) {
    return (await this.driver(args[2]?.signal)).install(...args);
  }

  async checkConnectivity(...args: Parameters<AgentDriver['checkConnectivity']>) {
    return (await this.driver(args[3])).checkConnectivity(...args);
  }

  async checksVaultOnRegister(signal?: AbortSignal): Promise<boolean> {
    return (await (await this.driver(signal)).checksVaultOnRegister?.(signal)) ?? false;
  }

  async register(...args: Parameters<AgentDriver['register']>) {
    return (await this.driver(args[3]?.signal)).register(...args);
  }

  async readRegistration(...args: Parameters<AgentDriver['readRegistration']>) {
    return (await this.driver(args[2])).readRegistration(...args);
  }

  async change(...args: Parameters<AgentDriver['change']>) {
    return (await this.driver(args[3]?.signal)).change(...args);
  }

  async unregister(...args: Parameters<AgentDriver['unregister']>) {
    return (await this.driver(args[2]?.signal)).unregister(...args);
  }
}
