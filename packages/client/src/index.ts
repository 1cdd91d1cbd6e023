export * from './api-types.js';
export * from './openkms-client.js';
export * from './openkms-error.js';
export * from './retrying-fetch.js';
export type { components, operations, paths } from './openapi-types.js';
