/**
 * Rules whose one definition is in Rust, as the generated bindings export them: the error
 * kinds the window branches on, when a token counts as "expiring", the words for each status,
 * what a provider name may hold, which scopes ask to stay signed in, and what a row offers
 * first. Constants only, so
 * any module (and any test) can import them without the IPC bridge.
 */
export {
  ERROR_KINDS,
  EXPIRING_WITHIN_SECONDS,
  OFFLINE_SCOPES,
  OTHER_ACCESS,
  PROVIDER_NAME_MAX_LEN,
  PROVIDER_NAME_PUNCTUATION,
  PRIMARY_ACTIONS,
  STATUS_WORDS,
} from './bindings';
export type { ErrorKind } from './bindings';
