// The headers in which the gateway passes the caller it verified to a service. A client can never
// set them (the gateway drops every x-phzzk-* header it receives); a service reads them only
// through `caller()` of @phzzk/kit, which is where their verification lives.
export const IdentityHeader = {
  userId: 'x-phzzk-user-id',
  sessionId: 'x-phzzk-session-id',
  roles: 'x-phzzk-roles',
} as const;
