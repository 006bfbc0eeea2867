export * from './fresh.ts';
export * from './http-client.ts';
export * from './infra.ts';
export * from './kafka-probe.ts';
export * from './service-process.ts';
export * from './wait-for.ts';
export * from './free-port.ts';
export * from './route-test-app.ts';
