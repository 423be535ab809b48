/**
 * node-forge with only the parts this code uses: ASN.1, X.509 and CSRs (pki) and PKCS#12, each
 * with what it needs. The package's index also loads its TLS, SSH, ciphers and more, 84 KiB
 * of every bundle that parses a credentials file (the extension, the agent, the CLI).
 * Signatures are made with node:crypto, not forge.
 */
import forge from 'node-forge/lib/forge';
import 'node-forge/lib/asn1';
import 'node-forge/lib/pki';
import 'node-forge/lib/pkcs12';

export default forge;
