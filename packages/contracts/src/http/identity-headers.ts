// The headers in which the gateway passes the caller it verified to a service, and in which one
// service names itself to another. A client can never set them (the gateway drops every x-phzzk-*
// header it receives), and a service believes them only when `signature` verifies: an HMAC over
// all of them, the method, the path and an expiry, under the platform's service key. A service
// reads them only through `caller()` / `clientAddress()` of @phzzk/kit, where that check lives.
export const IdentityHeader = {
  userId: 'x-phzzk-user-id',
  sessionId: 'x-phzzk-session-id',
  roles: 'x-phzzk-roles',
  /** the client's address as the gateway saw it (the socket's peer, never a client-sent header) */
  clientIp: 'x-phzzk-client-ip',
  /** the calling service, on service-to-service calls (`/internal/**`) */
  service: 'x-phzzk-service',
  /** `v1.<expiry, unix seconds>.<HMAC-SHA256, base64url>` (bound to method and path), or `v1u.…` (not bound) */
  signature: 'x-phzzk-signature',
} as const;
