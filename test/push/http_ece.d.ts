// http_ece ships no types; only what the tests use.
declare module 'http_ece' {
  interface EceParams {
    version?: 'aes128gcm' | 'aesgcm';
    privateKey?: { getPublicKey(): Uint8Array; computeSecret(key: Uint8Array): Uint8Array };
    authSecret?: string;
  }
  const ece: { decrypt(buffer: Uint8Array, params: EceParams): Uint8Array };
  export default ece;
}
