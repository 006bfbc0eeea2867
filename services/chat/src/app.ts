import type { ServiceApp } from '@phzzk/kit';
import type { ChatModeration } from './domain/moderation-actions.ts';
import { type ChatSocketDeps, type ChatSockets, installChatSocket } from './routes/chat-socket.ts';
import { moderationRoutes } from './routes/moderation-routes.ts';

export interface ChatAppDeps {
  app: ServiceApp;
  moderation: ChatModeration;
  socket: Omit<ChatSocketDeps, 'app'>;
}

/** Adds chat's WebSocket endpoint and moderation routes to a kit app. */
export function buildChatApp({ app, moderation, socket }: ChatAppDeps): { app: ServiceApp; sockets: ChatSockets } {
  moderationRoutes(app, moderation);
  const sockets = installChatSocket({ ...socket, app });
  return { app, sockets };
}
