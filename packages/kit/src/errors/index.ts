// The framework-free part of the kit: what domain code may import (`@phzzk/kit/errors`).
export * from './domain-error.ts';
export * from './error-kinds.ts';
