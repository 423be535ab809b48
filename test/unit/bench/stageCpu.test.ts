import assert from 'node:assert/strict';
import { StageCpu, type Clock } from '../../../bench/support/stageCpu';

/** A clock the test moves by hand. */
function manualClock(): Clock & { spend(cpuMs: number, wallMs: number): void } {
  let cpu = 1000;
  let wall = 5000;
  return {
    cpuMs: () => cpu,
    wallMs: () => wall,
    spend(cpuMs, wallMs) {
      cpu += cpuMs;
      wall += wallMs;
    },
  };
}

const at = '2025-01-01T00:00:00.000Z';

describe('bench: CPU split by the stage each server is in', () => {
  it('shares each interval between the servers running in it, by their stage at the time', () => {
    const clock = manualClock();
    const split = new StageCpu(clock);
    clock.spend(3, 1); // Before any server: the fleet's own checks.
    split.update({ key: 'a', state: 'connecting', startedAt: at });
    clock.spend(10, 100);
    split.update({ key: 'b', state: 'connecting', startedAt: at });
    clock.spend(20, 200);
    split.update({ key: 'a', state: 'running', stage: 'install', startedAt: at });
    clock.spend(30, 300);
    split.update({ key: 'a', state: 'registered', stage: 'install', startedAt: at, finishedAt: at });
    clock.spend(5, 50);
    split.update({ key: 'b', state: 'failed', startedAt: at, finishedAt: at });
    clock.spend(7, 70);
    split.settle();

    assert.deepEqual([...split.stages.keys()], ['connecting', 'install']);
    assert.deepEqual(split.stages.get('connecting'), { cpuMs: 10 + 20 + 15 + 5, wallMs: 100 + 2 * 200 + 300 + 50 });
    assert.deepEqual(split.stages.get('install'), { cpuMs: 15, wallMs: 300 });
    assert.equal(split.outsideMs, 3 + 7);
    assert.equal(split.totalCpuMs(), 3 + 10 + 20 + 30 + 5 + 7);
  });

  it('takes a running server without a stage by its state, and never counts servers that did not start', () => {
    const clock = manualClock();
    const split = new StageCpu(clock);
    split.update({ key: 'a', state: 'running', startedAt: at });
    split.update({ key: 'q', state: 'queued' });
    clock.spend(8, 80);
    split.update({ key: 'q', state: 'cancelled', finishedAt: at });
    split.update({ key: 'a', state: 'running', stage: 'a renamed stage', startedAt: at });
    clock.spend(4, 40);
    split.settle();

    assert.deepEqual(Object.fromEntries(split.stages), { running: { cpuMs: 8, wallMs: 80 }, 'a renamed stage': { cpuMs: 4, wallMs: 40 } });
    assert.equal(split.outsideMs, 0);
  });
});
