export * from './plugin-activities';
export * from './callback-activities';
export * from './output-store';
