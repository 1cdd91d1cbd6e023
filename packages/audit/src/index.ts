export * from './audit-record.js';
export * from './audit-key-file.js';
export * from './audit-file-names.js';
export * from './audit-log.js';
export * from './canonical-json.js';
export * from './read-audit-records.js';
export * from './record-mac.js';
export * from './verify-audit-files.js';
