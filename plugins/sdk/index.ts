export * from './types';
export * from './plugin';
export * from './duration';
export * from './cancellation';
export * from './capped-output';
export * from './json-path';
export * from './polling';
