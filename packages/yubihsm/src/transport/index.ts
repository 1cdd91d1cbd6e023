export * from './call-signal.js';
export * from './http-transport.js';
export * from './in-process-transport.js';
export * from './transport.js';
export * from './transport-error.js';
