/**
 * How long the simulated device spends on one command. The cost is paid inside the device-wide queue, so it models
 * throughput as well as latency: commands never overlap, whatever the number of sessions.
 *
 * `realistic` uses the published YubiHSM 2 figures (reference §13): ECDSA P-256 ~73 ms, Ed25519 105 ms at 32 bytes
 * growing to 353 ms at 1 KiB (piecewise-linear between the published points, linear extrapolation beyond), plus a
 * small fixed per-command overhead for USB transfer and envelope processing.
 */
import { Algorithm, Command } from './device-codes.js';

/** What the latency model is told about a command (the inner command for SessionMessage). */
export interface CommandCostInput {
  /** Command code (for SessionMessage: the decrypted inner command). */
  readonly command: number;
  /** Inner payload length in bytes. */
  readonly payloadLength: number;
  /** Whether the command arrived inside a session envelope. */
  readonly inSession: boolean;
  /** Algorithm of the key used, when the command uses one. */
  readonly algorithm?: number;
}

export interface LatencyModel {
  /** Milliseconds of device time for one command. */
  costMs(input: CommandCostInput): number;
}

export const zeroLatency: LatencyModel = { costMs: () => 0 };

/** Published Ed25519 points: message bytes → ms. */
const ED25519_POINTS: ReadonlyArray<readonly [number, number]> = [
  [32, 105],
  [64, 121],
  [128, 137],
  [256, 168],
  [512, 229],
  [1024, 353],
];

export function ed25519SignMs(messageLength: number): number {
  const first = ED25519_POINTS[0]!;
  if (messageLength <= first[0]) return first[1];
  for (let i = 1; i < ED25519_POINTS.length; i++) {
    const [x1, y1] = ED25519_POINTS[i]!;
    const [x0, y0] = ED25519_POINTS[i - 1]!;
    if (messageLength <= x1) return y0 + ((y1 - y0) * (messageLength - x0)) / (x1 - x0);
  }
  const [x0, y0] = ED25519_POINTS[ED25519_POINTS.length - 2]!;
  const [x1, y1] = ED25519_POINTS[ED25519_POINTS.length - 1]!;
  return y1 + ((y1 - y0) * (messageLength - x1)) / (x1 - x0);
}

export interface RealisticLatencyOptions {
  /** Fixed cost of every command (USB round trip, envelope crypto). Default 2 ms. */
  overheadMs?: number;
  /** ECDSA P-256 / secp256k1 signature. Default 73 ms. */
  ecdsaMs?: number;
  /** EC key generation. Default 100 ms (not published; an estimate). */
  ecKeygenMs?: number;
  /** Ed25519 key generation. Default 30 ms (not published; an estimate). */
  ed25519KeygenMs?: number;
  /** Session establishment steps (Create / Authenticate). Default 5 ms each. */
  sessionSetupMs?: number;
  /** Wrap export / import. Default 10 ms. */
  wrapMs?: number;
}

export function realisticLatency(options: RealisticLatencyOptions = {}): LatencyModel {
  const overhead = options.overheadMs ?? 2;
  const ecdsa = options.ecdsaMs ?? 73;
  const ecKeygen = options.ecKeygenMs ?? 100;
  const edKeygen = options.ed25519KeygenMs ?? 30;
  const setup = options.sessionSetupMs ?? 5;
  const wrap = options.wrapMs ?? 10;
  return {
    costMs(input) {
      switch (input.command) {
        case Command.signEcdsa:
          return overhead + ecdsa;
        case Command.signEddsa:
          return overhead + ed25519SignMs(Math.max(0, input.payloadLength - 2));
        case Command.generateAsymmetricKey:
          return overhead + (input.algorithm === Algorithm.ed25519 ? edKeygen : ecKeygen);
        case Command.createSession:
        case Command.authenticateSession:
          return overhead + setup;
        case Command.exportWrapped:
        case Command.importWrapped:
          return overhead + wrap;
        default:
          return overhead;
      }
    },
  };
}

export type LatencyOption = 'zero' | 'realistic' | LatencyModel;

export function resolveLatency(option: LatencyOption | undefined): LatencyModel {
  if (option === undefined || option === 'zero') return zeroLatency;
  if (option === 'realistic') return realisticLatency();
  return option;
}
