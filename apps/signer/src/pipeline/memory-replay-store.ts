import { ErrorCode, openKmsError, type ReplayClaim, type ReplayEntry, type ReplayJoin, type ReplayStore } from '@openkms/core';
import type { ReplayCache } from './replay-cache.js';

/**
 * The ReplayStore of one process (`[state] kind = "memory"`): the bounded replay cache and a map of the requests
 * signing right now. A request for bytes being signed waits for that request to finish, then replays its signature,
 * or (the other request was refused or failed) takes the claim over.
 */
export class MemoryReplayStore implements ReplayStore {
  /** Requests being signed, by label and digest; resolves when the claim is completed or abandoned. */
  private readonly inflight = new Map<string, Promise<void>>();

  constructor(
    private readonly cache: ReplayCache,
    private readonly now: () => number = Date.now,
  ) {}

  async get(label: string, digestHex: string): Promise<ReplayEntry | undefined> {
    return this.entry(label, digestHex);
  }

  async join(label: string, digestHex: string, deadline: number): Promise<ReplayJoin> {
    const k = `${label}\u0000${digestHex}`;
    for (;;) {
      const cached = this.entry(label, digestHex);
      if (cached) return { cached };
      const pending = this.inflight.get(k);
      if (pending === undefined) break;
      await waitUntil(pending, deadline, this.now);
    }
    let signalDone!: () => void;
    const done = new Promise<void>((resolve) => {
      signalDone = resolve;
    });
    this.inflight.set(k, done);
    const finish = () => {
      if (this.inflight.get(k) === done) this.inflight.delete(k);
      signalDone();
    };
    const claim: ReplayClaim = {
      complete: async (entry) => {
        if (this.inflight.get(k) === done) this.cache.set(label, digestHex, entry.body, entry.signatureSha256);
        finish();
      },
      abandon: async () => finish(),
    };
    return { claim };
  }

  private entry(label: string, digestHex: string): ReplayEntry | undefined {
    const hit = this.cache.get(label, digestHex);
    return hit && { body: hit.body, signatureSha256: hit.signatureSha256 };
  }

  async remember(label: string, digestHex: string, entry: ReplayEntry): Promise<void> {
    this.cache.set(label, digestHex, entry.body, entry.signatureSha256);
  }
}

async function waitUntil(work: Promise<void>, deadline: number, now: () => number): Promise<void> {
  const remaining = deadline - now();
  if (remaining <= 0) throw openKmsError(ErrorCode.deadlineExceeded, 'request deadline exceeded', {});
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(openKmsError(ErrorCode.deadlineExceeded, 'request deadline exceeded while waiting for an identical request being signed', {})),
      remaining,
    );
  });
  try {
    await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
