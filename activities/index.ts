export * from './plugin-activities';
export * from './callback-activities';
