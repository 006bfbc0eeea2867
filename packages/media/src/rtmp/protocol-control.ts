// Protocol control (§5.4) and user control pings (§7.1.7): acknowledgements of the peer's window,
// the answer to Set Peer Bandwidth, ping responses. The connection sends what this returns.
import {
  acknowledgementMessage,
  MessageType,
  parseUserControl,
  type RtmpMessage,
  readUint32Body,
  UserControlEvent,
  userControlMessage,
  windowAckSizeMessage,
} from './messages.ts';

export class ProtocolControl {
  /** The peer's Window Acknowledgement Size (0: none announced). */
  #peerWindow = 0;
  #bytesIn = 0;
  /** Bytes received at our last acknowledgement. */
  #ackedAt = 0;
  /** The window size we announced last. */
  sentWindow = 0;

  /** `n` more bytes arrived: an Acknowledgement when a peer window's worth came since the last (§5.4.3). */
  received(n: number): RtmpMessage | undefined {
    this.#bytesIn += n;
    if (this.#peerWindow > 0 && this.#bytesIn - this.#ackedAt >= this.#peerWindow) {
      this.#ackedAt = this.#bytesIn;
      return acknowledgementMessage(this.#bytesIn % 2 ** 32); // sequence number wraps (§5.4.3)
    }
    return undefined;
  }

  /** A control message handled here (with its reply, if any); undefined: not a control message. */
  handle(message: RtmpMessage): { reply?: RtmpMessage } | undefined {
    switch (message.typeId) {
      case MessageType.SetChunkSize: // applied by the chunk reader
      case MessageType.Abort:
      case MessageType.Acknowledgement:
        return {};
      case MessageType.WindowAckSize:
        this.#peerWindow = readUint32Body(message) ?? 0;
        return {};
      case MessageType.SetPeerBandwidth: {
        // §5.4.5: answer with our Window Acknowledgement Size if it differs from the limit.
        const size = readUint32Body(message);
        if (size === null || size <= 0 || size === this.sentWindow) return {};
        this.sentWindow = size;
        return { reply: windowAckSizeMessage(size) };
      }
      case MessageType.UserControl: {
        const event = parseUserControl(message);
        if (event?.event !== UserControlEvent.PingRequest) return {};
        return { reply: userControlMessage(UserControlEvent.PingResponse, event.value) };
      }
      default:
        return undefined;
    }
  }
}
