export * from './plugin-activities';
export * from './callback-activities';
export * from './secret-resolver';
export * from './output-store';
