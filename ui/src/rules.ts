/**
 * Rules whose one definition is in Rust, as the generated bindings export them: the error
 * kinds the window branches on, and when a token counts as "expiring". Constants only, so
 * any module (and any test) can import them without the IPC bridge.
 */
export { ERROR_KINDS, EXPIRING_WITHIN_SECONDS } from './bindings';
export type { ErrorKind } from './bindings';
