import { unauthenticated } from '@phzzk/kit/errors';

// Failures of authentication that more than one use case raises (the rest are raised in place,
// as kit DomainErrors with a kind and a code).
export const invalidCredentials = () => unauthenticated('INVALID_CREDENTIALS', 'The email or password is incorrect.');
