// node-forge's own modules, which @types/node-forge does not declare: lib/forge is the object
// every other module adds its namespace to (typed as the whole library; src/core/forge.ts loads
// the parts that are used).
declare module 'node-forge/lib/forge' {
  import forge from 'node-forge';
  export = forge;
}
declare module 'node-forge/lib/asn1';
declare module 'node-forge/lib/pki';
declare module 'node-forge/lib/pkcs12';
