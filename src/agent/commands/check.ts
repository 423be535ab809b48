/**
 * The connectivity check from this server, on its own (Test Connectivity once the agent is
 * installed here): the same stages and clock rule as a registration's, nothing written.
 */
import type { CheckAnswer, CheckRequest } from '../../core/agents/reference/protocol';
import { Secret } from '../../core/secret';
import { proxySettingsWith } from '../../core/service/agentProxy';
import { accessFor, checkHere, vaultRoute } from '../vaultRoute';

export async function check(request: CheckRequest): Promise<CheckAnswer> {
  const password = request.proxyPassword !== undefined ? new Secret(request.proxyPassword) : undefined;
  const route = vaultRoute(request.endpoint, proxySettingsWith(request.proxy, password), request.way);
  const { problem, ...report } = await checkHere(accessFor(request.way), route, () => new Date());
  return { report, ...(problem ? { problem: problem.toJSON() } : {}) };
}
