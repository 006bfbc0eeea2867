// NetConnection/NetStream command handling (§7.2): which command does what. The connection does
// the work (connect, createStream, publish, ...); this decides, and answers the courtesy calls.
import { type Command, commandMessage, onStatusMessage, statusInfo } from './commands.ts';
import type { RtmpMessage } from './messages.ts';

export interface CommandTarget {
  connect(command: Command): void;
  createStream(transactionId: number): void;
  publish(command: Command, streamId: number): void;
  /** Ends the publish on `streamId` if there is one (undefined: whatever is published). */
  unpublish(streamId?: number): void;
  /** The stream id is no longer in use. */
  deleteStream(streamId: number): void;
  /** Not offered here: answer and close. */
  refuse(): void;
  send(message: RtmpMessage): void;
}

export function dispatchCommand(command: Command, streamId: number, target: CommandTarget): void {
  const { name, transactionId: txn, args } = command;
  switch (name) {
    case 'connect':
      target.connect(command);
      return;
    case 'releaseStream':
      if (txn) target.send(commandMessage('_result', txn, null, [undefined]));
      return;
    case 'FCPublish':
      // Flash Media Live Encoder convention; OBS and ffmpeg send it and do not wait for it.
      target.send(
        commandMessage('onFCPublish', 0, null, [
          statusInfo('status', 'NetStream.Publish.Start', String(args[0] ?? '')),
        ]),
      );
      return;
    case 'createStream':
      target.createStream(txn);
      return;
    case 'publish':
      target.publish(command, streamId);
      return;
    case 'FCUnpublish':
      target.send(
        commandMessage('onFCUnpublish', 0, null, [
          statusInfo('status', 'NetStream.Unpublish.Success', String(args[0] ?? '')),
        ]),
      );
      target.unpublish();
      return;
    case 'deleteStream': {
      const deleted = typeof args[0] === 'number' ? args[0] : streamId;
      target.unpublish(deleted);
      target.deleteStream(deleted);
      return;
    }
    case 'closeStream':
      target.unpublish(streamId);
      return;
    case 'getStreamLength':
      if (txn) target.send(commandMessage('_result', txn, null, [0]));
      return;
    case 'play':
    case 'play2':
      // An ingest does not serve players.
      target.send(
        onStatusMessage(
          streamId,
          statusInfo('error', 'NetStream.Play.Failed', 'playback is not offered by this server'),
        ),
      );
      target.refuse();
      return;
    default:
      // checkbw, _checkbw, _result, onStatus, receiveAudio, ...: tolerated and ignored. No _error
      // reply: ffmpeg treats an _error to a call it tracks as fatal.
      return;
  }
}
