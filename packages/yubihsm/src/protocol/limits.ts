/** Largest frame (header included) accepted by firmware ≥ 2.4. */
export const MAX_FRAME_SIZE = 3136;
/** Largest frame accepted by firmware before 2.4. */
export const MAX_FRAME_SIZE_LEGACY = 2048;
/** Number of session slots (ids 0–15). */
export const MAX_SESSIONS = 16;
/** Idle time after which the device drops a session. */
export const SESSION_IDLE_TIMEOUT_MS = 30_000;
/** Log store size. */
export const LOG_ENTRY_CAPACITY = 62;
/** Object slots. */
export const MAX_OBJECTS = 256;
/** Highest object id (0 in Put/Generate means "device picks"). */
export const MAX_OBJECT_ID = 0xfffe;
/** Default connector URL. */
export const DEFAULT_CONNECTOR_URL = 'http://localhost:12345';
/** Factory default authentication key id and password (restored by ResetDevice). */
export const DEFAULT_AUTH_KEY_ID = 1;
export const DEFAULT_AUTH_KEY_PASSWORD = 'password';
export const DEFAULT_AUTH_KEY_LABEL = 'DEFAULT AUTHKEY CHANGE THIS ASAP';
/**
 * Part number the openKMS simulator returns from DeviceInfo page 1. The driver reports `simulated: true` when it
 * sees it. Shared by the driver and @openkms/yubihsm-sim.
 */
export const SIMULATED_PART_NUMBER = 'OPENKMS-SIMULATED-YUBIHSM2';
