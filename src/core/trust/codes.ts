/** Every code trusting a vault's certificate can fail with, so adapters can localise each one. */
export const TrustCode = {
  /** A CA file trusted for an endpoint cannot be read (missing, unreadable, not an absolute path). */
  Unreadable: 'TrustedCertificateUnreadable',
  /** The file holds no PEM certificate that parses. */
  NotPem: 'TrustedCertificateNotPem',
  /** The file's CA does not verify the chain the endpoint presents: nothing is trusted. */
  DoesNotVerify: 'TrustedCertificateDoesNotVerify',
  /** The endpoint presented no certificate at all. */
  NothingPresented: 'TrustedCertificateNothingPresented',
} as const;
export type TrustCode = (typeof TrustCode)[keyof typeof TrustCode];
