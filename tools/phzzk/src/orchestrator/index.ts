export * from './platform.ts';
export * from './platform-env.ts';
export * from './run-files.ts';
export * from './service-catalog.ts';
export * from './service-launcher.ts';
export * from './dev-secrets.ts';
