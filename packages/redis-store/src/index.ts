export * from './lua-scripts.js';
export * from './nonce-lua-scripts.js';
export * from './redis-fleet-state.js';
export * from './redis-nonce-store.js';
export * from './redis-policy-state-store.js';
export * from './redis-runtime-sync.js';
export * from './redis-state-options.js';
export * from './state-unavailable.js';
