export * from './software-key-backend.js';
