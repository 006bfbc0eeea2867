import type { ServerResponse } from 'node:http';

/** Pushes registry changes to a watcher as Server-Sent Events (the watch hub). */
export interface WatchStreams {
  /** Takes the response over; `lastEventId` resumes a stream after the changes the watcher saw. */
  attach(response: ServerResponse, lastEventId: string | undefined): void;
  /** Ends every open stream (the server is closing). */
  close(): void;
}
