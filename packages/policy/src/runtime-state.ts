import { readFileSync, statSync } from 'node:fs';
import { isOpenKmsError, openKmsError } from '@openkms/core';
import { writeFileAtomicSync } from './atomic-write.js';
import type { PolicyOverlay } from './key-policy.js';
import { mergeOverlay } from './merge-policy.js';
import { parsePolicyOverlay } from './parse-policy.js';

/** What the runtime state file holds (JSON). Keys appear only when they have a kill switch or an overlay. */
export interface RuntimeStateData {
  readonly version: 1;
  readonly global_enabled: boolean;
  readonly keys: Readonly<Record<string, { readonly enabled?: false; readonly overlay?: PolicyOverlay }>>;
}

const EMPTY: RuntimeStateData = { version: 1, global_enabled: true, keys: {} };

/**
 * Operator state that changes at run time and must survive restarts: the global kill switch, the per-key kill
 * switches and the per-key policy overlays. Every change is applied at once and written to the state file
 * atomically (temp file, fsync, rename, mode 0600) before the method returns; the methods are synchronous, so
 * changes never interleave.
 *
 * Disabling (a key or everything) takes effect in memory even if the file cannot be written (the error is still
 * thrown, so the operator knows it is not durable); any other change is applied only once it is on disk.
 */
export class RuntimeState {
  /** The state file, or undefined for a memory-only state (tests, dry runs). */
  readonly path: string | undefined;
  #data: RuntimeStateData;
  #revision = 0;

  private constructor(path: string | undefined, data: RuntimeStateData) {
    this.path = path;
    this.#data = data;
  }

  /**
   * Loads the state file (a missing file means: everything enabled, no overlays; it is created on the first change).
   * Throws `config_invalid` (with context.path) for a malformed file, `insecure_file` if group or others may write it.
   */
  static open(path: string): RuntimeState {
    let text: string;
    try {
      const st = statSync(path);
      if (process.platform !== 'win32' && (st.mode & 0o022) !== 0) {
        throw openKmsError('insecure_file', `runtime state file ${path} is writable by group or others (chmod 600 it)`, { file: path });
      }
      text = readFileSync(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new RuntimeState(path, EMPTY);
      throw err;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw openKmsError('config_invalid', `runtime state file ${path} is not valid JSON`, { file: path, path: 'runtime_state' });
    }
    return new RuntimeState(path, parseStateData(raw, path));
  }

  /** A state kept in memory only. */
  static inMemory(initial?: unknown): RuntimeState {
    return new RuntimeState(undefined, initial === undefined ? EMPTY : parseStateData(initial, '(memory)'));
  }

  /** Increases on every change (the engine uses it to recompute effective policies). */
  get revision(): number {
    return this.#revision;
  }

  isGlobalEnabled(): boolean {
    return this.#data.global_enabled;
  }

  /** The per-key kill switch: false once `setKeyEnabled(label, false)` was called (it only ever disables). */
  isKeyEnabled(label: string): boolean {
    return this.#data.keys[label]?.enabled !== false;
  }

  setGlobalEnabled(enabled: boolean): void {
    this.#change({ ...this.#data, global_enabled: enabled }, !enabled);
  }

  setKeyEnabled(label: string, enabled: boolean): void {
    checkLabel(label);
    const { enabled: _old, ...rest } = this.#data.keys[label] ?? {};
    this.#change(withKey(this.#data, label, enabled ? rest : { ...rest, enabled: false }), !enabled);
  }

  getOverlay(label: string): PolicyOverlay | undefined {
    return this.#data.keys[label]?.overlay;
  }

  /**
   * Merges a partial policy onto the key's overlay (PATCH semantics: `null` clears a field of the overlay, cap maps
   * merge per asset) and returns the new overlay. An invalid patch throws `invalid_request` with context.path set to
   * the dotted path of the bad field (relative to the patch, e.g. `per_tx_caps.native`).
   */
  setOverlay(label: string, patch: unknown): PolicyOverlay {
    checkLabel(label);
    let parsed: PolicyOverlay;
    try {
      parsed = parsePolicyOverlay(patch, '');
    } catch (err) {
      if (isOpenKmsError(err)) throw openKmsError('invalid_request', err.message, err.context);
      throw err;
    }
    const next = mergeOverlay(this.getOverlay(label), parsed);
    const { overlay: _old, ...rest } = this.#data.keys[label] ?? {};
    this.#change(withKey(this.#data, label, Object.keys(next).length === 0 ? rest : { ...rest, overlay: next }), false);
    return next;
  }

  /** Removes the key's overlay; returns whether there was one. */
  clearOverlay(label: string): boolean {
    const entry = this.#data.keys[label];
    if (entry?.overlay === undefined) return false;
    const { overlay: _old, ...rest } = entry;
    this.#change(withKey(this.#data, label, rest), false);
    return true;
  }

  /**
   * Takes over a whole state written elsewhere (fleet mode: another instance changed it in the shared store). Applied
   * at once and written to this state's file, if it has one. A malformed state throws `config_invalid` and changes
   * nothing.
   */
  adopt(data: unknown): void {
    const next = parseStateData(data, '(shared state)');
    if (JSON.stringify(next) === JSON.stringify(this.#data)) return;
    this.#change(next, true);
  }

  /** A JSON-safe copy of the whole state. */
  snapshot(): RuntimeStateData {
    return structuredClone(this.#data);
  }

  #change(next: RuntimeStateData, restrictive: boolean): void {
    if (restrictive) {
      this.#data = next;
      this.#revision++;
      this.#persist(next);
    } else {
      this.#persist(next);
      this.#data = next;
      this.#revision++;
    }
  }

  #persist(data: RuntimeStateData): void {
    if (this.path === undefined) return;
    try {
      writeFileAtomicSync(this.path, `${JSON.stringify(data, null, 2)}\n`, 0o600);
    } catch (err) {
      throw openKmsError('state_write_failed', `cannot write the runtime state file ${this.path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { file: this.path }, err);
    }
  }
}

/** Opens (or prepares) the runtime state file at `path`; see `RuntimeState.open`. */
export function createRuntimeStateFile(path: string): RuntimeState {
  return RuntimeState.open(path);
}

function withKey(data: RuntimeStateData, label: string, entry: { enabled?: false; overlay?: PolicyOverlay }): RuntimeStateData {
  const keys = { ...data.keys };
  if (entry.enabled === undefined && entry.overlay === undefined) delete keys[label];
  else keys[label] = entry;
  return { ...data, keys };
}

function checkLabel(label: string): void {
  if (typeof label !== 'string' || label.length === 0) throw openKmsError('invalid_request', 'key label must be a non-empty string', { path: 'label' });
}

function parseStateData(raw: unknown, file: string): RuntimeStateData {
  const bad = (path: string, message: string): never => {
    throw openKmsError('config_invalid', `runtime state ${file}: ${path}: ${message}`, { file, path });
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return bad('runtime_state', 'must be an object');
  const r = raw as Record<string, unknown>;
  for (const k of Object.keys(r)) if (!['version', 'global_enabled', 'keys'].includes(k)) bad(`runtime_state.${k}`, 'unknown field');
  if (r.version !== 1) bad('runtime_state.version', 'must be 1');
  if (typeof r.global_enabled !== 'boolean') bad('runtime_state.global_enabled', 'must be true or false');
  const keysRaw = r.keys ?? {};
  if (typeof keysRaw !== 'object' || keysRaw === null || Array.isArray(keysRaw)) return bad('runtime_state.keys', 'must be an object');
  const keys: Record<string, { enabled?: false; overlay?: PolicyOverlay }> = {};
  for (const [label, v] of Object.entries(keysRaw)) {
    const p = `runtime_state.keys.${label}`;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return bad(p, 'must be an object');
    const e = v as Record<string, unknown>;
    for (const k of Object.keys(e)) if (k !== 'enabled' && k !== 'overlay') bad(`${p}.${k}`, 'unknown field');
    if (e.enabled !== undefined && e.enabled !== false) bad(`${p}.enabled`, 'must be false or absent');
    const entry: { enabled?: false; overlay?: PolicyOverlay } = {};
    if (e.enabled === false) entry.enabled = false;
    if (e.overlay !== undefined) {
      let overlay: PolicyOverlay;
      try {
        overlay = parsePolicyOverlay(e.overlay, `${p}.overlay`);
      } catch (err) {
        if (isOpenKmsError(err)) throw openKmsError('config_invalid', `runtime state ${file}: ${err.message}`, { ...err.context, file });
        throw err;
      }
      const normalised = mergeOverlay(undefined, overlay);
      if (Object.keys(normalised).length > 0) entry.overlay = normalised;
    }
    if (entry.enabled !== undefined || entry.overlay !== undefined) keys[label] = entry;
  }
  return { version: 1, global_enabled: r.global_enabled as boolean, keys };
}
