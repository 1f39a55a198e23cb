export * from './types';
export * from './plugin';
