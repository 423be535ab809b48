// The driver reads an agent's refusal with the agent's code when this build knows it; an agent of
// another version may answer with one it does not, which stays a typed code with the raw one kept.
import assert from 'node:assert/strict';
import { checkAnswerSchema, failureSchema } from '../../../src/core/agents/reference/protocol';
import { vaultErrorFromBody } from '../../../src/vault/errors';

describe('agent protocol error codes', () => {
  it("keeps a refusal's code the catalogue knows", () => {
    const { error } = failureSchema.parse({ error: { code: 'AgentBusy', message: 'busy', params: { pid: 7 } } });
    assert.deepEqual(error, { code: 'AgentBusy', message: 'busy', params: { pid: 7 } });
  });

  it('turns a code it does not know into AgentErrorUnknown, keeping the raw code and message', () => {
    const { error } = failureSchema.parse({ error: { code: 'AgentFromTheFuture', message: 'new', params: { a: 1 } } });
    assert.deepEqual(error, { code: 'AgentErrorUnknown', message: 'new', params: { a: 1, agentErrorCode: 'AgentFromTheFuture' } });
  });

  it("does the same for a failed stage of the server's connectivity check, and refuses an unknown stage code", () => {
    const stage = (status: string, code: string) => ({ stage: 'health', status, durationMs: 1, code, params: {} });
    const answer = (s: object) => ({ report: { endpoint: 'https://v', ok: false, stages: [s] } });
    assert.equal(checkAnswerSchema.parse(answer(stage('failed', 'VaultUnhealthy'))).report.stages[0]!.code, 'VaultUnhealthy');
    const unknown = checkAnswerSchema.parse(answer(stage('failed', 'Whatever'))).report.stages[0]!;
    assert.equal(unknown.code, 'AgentErrorUnknown');
    assert.equal(unknown.params.agentErrorCode, 'Whatever');
    assert.equal(checkAnswerSchema.safeParse(answer(stage('ok', 'VaultUnhealthy'))).success, false, 'a passed stage has a stage code');
  });
});

describe("the local vault's admin client", () => {
  it('reads a known code as it is and an unknown one as VaultErrorUnknown', () => {
    assert.equal(vaultErrorFromBody(404, { error: { code: 'VaultNotFound', message: 'no' } }).code, 'VaultNotFound');
    const unknown = vaultErrorFromBody(409, { error: { code: 'Newer', message: 'newer vault' } });
    assert.equal(unknown.code, 'VaultErrorUnknown');
    assert.deepEqual(unknown.params, { vaultCode: 'Newer', httpStatus: 409 });
    assert.equal(unknown.message, 'newer vault');
  });
});
