import { credentialsError } from './errors';

/**
 * Beyond this, "not valid yet" is not a file downloaded a moment ago on a slightly slow clock
 * (the issuer back-dates by 10 minutes for that) but a clock that is plainly wrong.
 */
export const CLOCK_SKEW_THRESHOLD_MS = 5 * 60_000;

/**
 * The certificate's NotBefore/NotAfter are the file's only validity data (agent facts §1e); the lifetime
 * is read from them, never assumed.
 */
export function checkValidity(notBefore: Date, notAfter: Date, now: Date): void {
  const early = notBefore.getTime() - now.getTime();
  if (early > CLOCK_SKEW_THRESHOLD_MS) {
    throw credentialsError('VaultCredentialClockSkew', "The file is not valid yet by this computer's clock; check the date, time and time zone.", {
      skewMinutes: Math.ceil(early / 60_000),
      notBefore: notBefore.toISOString(),
    });
  }
  if (early > 0) {
    throw credentialsError('VaultCredentialNotYetValid', 'The file is not valid yet; try again in a few minutes.', {
      waitMinutes: Math.ceil(early / 60_000),
      notBefore: notBefore.toISOString(),
    });
  }
  if (now.getTime() >= notAfter.getTime()) {
    throw credentialsError('CBPUserExpiredVaultCredential', 'The vault credentials file has expired; download a new one and use it soon.', {
      expiredAt: notAfter.toISOString(),
    });
  }
}
