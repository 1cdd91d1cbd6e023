export * from './fleet-marker.js';
export * from './lua-scripts.js';
export * from './rebuild-fleet-state.js';
export * from './redis-fleet-state.js';
export * from './redis-policy-state-store.js';
export * from './redis-runtime-sync.js';
export * from './redis-state-options.js';
export * from './state-unavailable.js';
