import assert from 'node:assert/strict';
import { deriveRegistrationState, splitTimeLeft } from '../../../src/core/status';

const now = new Date('2026-11-29T12:00:00Z');
const hours = (h: number) => new Date(now.getTime() + h * 3600_000);

describe('registration state', () => {
  it('is "not set up" with nothing selected', () => {
    assert.deepEqual(deriveRegistrationState({ now }), { kind: 'notSetUp' });
  });

  it('counts down selected credentials and turns expired at NotAfter', () => {
    const selected = deriveRegistrationState({ now, credentials: { vaultName: 'lab1', expiresAt: hours(47.5) } });
    assert.equal(selected.kind, 'credentialsSelected');
    assert.equal(selected.kind === 'credentialsSelected' && selected.timeLeftMs, 47.5 * 3600_000);
    const expired = deriveRegistrationState({ now, credentials: { vaultName: 'lab1', expiresAt: now } });
    assert.equal(expired.kind, 'credentialsExpired');
  });

  it('prefers the registration over selected credentials, and health over both', () => {
    const registration = { vaultName: 'lab1', serverName: 'srv1' };
    const credentials = { vaultName: 'lab2', expiresAt: hours(-1) };
    assert.deepEqual(deriveRegistrationState({ now, registration, credentials }), { kind: 'registered', ...registration });
    assert.equal(deriveRegistrationState({ now, registration, health: 'unreachable' }).kind, 'vaultUnreachable');
    assert.equal(deriveRegistrationState({ now, registration, health: 'revoked' }).kind, 'revoked');
  });

  it('splits time left into hours and minutes, rounding minutes up', () => {
    assert.deepEqual(splitTimeLeft(47 * 3600_000 + 59 * 60_000 + 1), { hours: 48, minutes: 0 });
    assert.deepEqual(splitTimeLeft(90 * 60_000), { hours: 1, minutes: 30 });
    assert.deepEqual(splitTimeLeft(-5), { hours: 0, minutes: 0 });
  });
});
