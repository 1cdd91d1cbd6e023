export * from './backoff.js';
export * from './command-queue.js';
export * from './yubihsm-event.js';
export * from './yubihsm-pool.js';
