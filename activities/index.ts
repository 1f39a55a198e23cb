export * from './plugin-activities';
