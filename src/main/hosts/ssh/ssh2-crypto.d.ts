// ssh2's crypto module (CommonJS), for the one flag we read: whether its native addon loaded.
declare module 'ssh2/lib/protocol/crypto.js' {
  const crypto: { bindingAvailable: boolean };
  export default crypto;
}
