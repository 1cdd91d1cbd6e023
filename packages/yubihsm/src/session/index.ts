export * from './session.js';
export * from './session-error.js';
