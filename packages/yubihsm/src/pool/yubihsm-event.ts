/** Driver events, for metrics (e.g. Prometheus) and logs. Never carry secrets. */
export type YubiHsmEvent =
  | {
      readonly type: 'command';
      readonly device: string;
      /** camelCase command name, e.g. `signEddsa`. */
      readonly command: string;
      /** Session choice (or setup) plus the command's round trip, after its wait for a free session. */
      readonly durationMs: number;
      /** How long the call waited for a free session (0 for the pool's own keepalive). */
      readonly queueMs?: number;
      readonly ok: boolean;
      /** Error code on failure: a device error name (OBJECT_NOT_FOUND), or `timeout`, `unavailable`, `session_*`, … */
      readonly error?: string;
    }
  | { readonly type: 'session_created'; readonly device: string; readonly sessionId: number }
  | { readonly type: 'session_closed'; readonly device: string; readonly sessionId: number; readonly reason: string }
  | { readonly type: 'reconnect'; readonly device: string; readonly attempt: number; readonly delayMs: number }
  | { readonly type: 'device_up'; readonly device: string; readonly serial: number; readonly simulated: boolean }
  /**
   * The device went down, or stays down for a new reason. `reason`: `unavailable`, `timeout`, `bad_response`, a device
   * error name, `session_*`, `protocol_*`, or `simulated_not_allowed` (the simulator, refused by allowSimulated: false).
   */
  | { readonly type: 'device_down'; readonly device: string; readonly reason: string };

export type YubiHsmEventListener = (event: YubiHsmEvent) => void;
