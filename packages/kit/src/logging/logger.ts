import pino, { type Logger } from 'pino';

export type { Logger };

/** JSON logs on stdout; the orchestrator sends each process's stdout to .phzzk/logs/<service>.log. */
export function createLogger(options: { service: string; instanceId: string; level?: string }): Logger {
  return pino({
    level: options.level ?? 'info',
    base: { service: options.service, instance: options.instanceId },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      // A safety net: code logs secrets never (stream keys as a short prefix, streamKeyPrefix).
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'password',
        '*.password',
        'refreshToken',
        '*.refreshToken',
        'accessToken',
        '*.accessToken',
        'streamKey',
        '*.streamKey',
      ],
      censor: '[redacted]',
    },
  });
}
