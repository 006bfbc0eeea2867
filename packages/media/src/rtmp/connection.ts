// One RTMP connection: handshake, chunk stream, protocol control, NetConnection/NetStream
// commands, publish authorization and the media of the publish session it creates.
//
// Every entry point (socket data, timers, the authorize promise) is guarded: whatever a peer
// sends, the worst outcome is this connection closing.
import { redactStreamKey, redactTcUrl } from './redact.ts';
import type { Socket } from 'node:net';
import type { Amf0Object, Amf0Value } from '../flv/amf-value.ts';
import { AmfError } from '../flv/errors.ts';
import { splitAggregate } from './aggregate.ts';
import { ChunkReader } from './chunk-reader.ts';
import { ChunkWriter } from './chunk-writer.ts';
import {
  type Command,
  commandMessage,
  decodeCommand,
  decodeData,
  normalizeApp,
  onStatusMessage,
  parsePublishName,
  statusInfo,
} from './commands.ts';
import { RtmpProtocolError } from './errors.ts';
import { ServerHandshake } from './handshake.ts';
import type { RtmpLimits } from './limits.ts';
import {
  acknowledgementMessage,
  MessageType,
  PeerBandwidthLimit,
  parseUserControl,
  type RtmpMessage,
  readUint32Body,
  setChunkSizeMessage,
  setPeerBandwidthMessage,
  UserControlEvent,
  userControlMessage,
  windowAckSizeMessage,
} from './messages.ts';
import { RtmpPublishSession } from './session.ts';
import type { Authorize, AuthorizeResult, EndReason, PublishRejection, PublishRequest, RtmpLogger } from './types.ts';

export type ConnectionOptions<C> = {
  socket: Socket;
  id: string;
  limits: RtmpLimits;
  logger: RtmpLogger;
  authorize: Authorize<C>;
  /** Our outgoing chunk size, announced after connect. */
  chunkSize: number;
  /** Window Acknowledgement Size and Set Peer Bandwidth we announce. */
  windowAckSize: number;
  onPublish(session: RtmpPublishSession<C>): void;
  onClose(connection: RtmpConnection<C>): void;
};

type State = 'handshake' | 'connect' | 'connected' | 'authorizing' | 'publishing' | 'closing' | 'closed';

export class RtmpConnection<C> {
  readonly id: string;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly #o: ConnectionOptions<C>;
  readonly #socket: Socket;
  readonly #handshake = new ServerHandshake();
  readonly #reader: ChunkReader;
  readonly #writer = new ChunkWriter();
  #state: State = 'handshake';
  #app = '';
  #tcUrl = '';
  #connectParams: Amf0Object = {};
  #nextStreamId = 1;
  readonly #streams = new Set<number>();
  #session: RtmpPublishSession<C> | undefined;
  #authorization: AbortController | undefined;
  // Acknowledgements (§5.4.3): the peer's window, bytes received, and bytes at our last ack.
  #peerWindow = 0;
  #bytesIn = 0;
  #ackedAt = 0;
  #sentWindow = 0;
  #handshakeTimer: NodeJS.Timeout | undefined;
  #setupTimer: NodeJS.Timeout | undefined;
  #mediaTimer: NodeJS.Timeout | undefined;
  #graceTimer: NodeJS.Timeout | undefined;
  readonly closed: Promise<void>;
  #resolveClosed!: () => void;

  constructor(options: ConnectionOptions<C>) {
    this.#o = options;
    this.id = options.id;
    this.#socket = options.socket;
    this.remoteAddress = this.#socket.remoteAddress ?? '';
    this.remotePort = this.#socket.remotePort ?? 0;
    this.#reader = new ChunkReader(options.limits);
    this.closed = new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });
    const socket = this.#socket;
    socket.setNoDelay(true);
    socket.on('data', (data: Buffer) => this.#onData(data));
    socket.on('error', (err) => this.#log('debug', { err }, 'socket error'));
    socket.on('close', () => this.#onSocketClose());
    this.#handshakeTimer = setTimeout(
      () => this.#guard(() => this.#fail(new RtmpProtocolError('timeout', 'handshake timed out'), 'timeout')),
      options.limits.handshakeTimeoutMs,
    );
    this.#armSetupTimer();
  }

  get state(): State {
    return this.#state;
  }

  get session(): RtmpPublishSession<C> | undefined {
    return this.#session;
  }

  /** Server shutdown: ends the session ('shutdown') and closes gracefully. */
  shutdown(): void {
    this.#end('shutdown', undefined, true);
  }

  // -------------------------------------------------------------------------------------------
  // Input

  #onData(data: Buffer): void {
    if (this.#state === 'closing' || this.#state === 'closed') return; // draining until the peer closes
    this.#guard(() => {
      this.#bytesIn += data.length;
      if (this.#state === 'handshake') {
        const { reply, rest } = this.#handshake.push(data);
        if (reply) this.#socket.write(reply);
        if (!this.#handshake.done) return;
        clearTimeout(this.#handshakeTimer);
        this.#state = 'connect';
        this.#log('debug', { complex: this.#handshake.complex }, 'handshake done');
        if (rest && rest.length > 0) this.#reader.push(rest);
      } else {
        this.#reader.push(data);
      }
      this.#acknowledge();
      this.#pump();
    });
  }

  /** Parses and handles queued messages until input runs out or authorization pauses us. */
  #pump(): void {
    while (this.#state !== 'authorizing' && this.#state !== 'closing' && this.#state !== 'closed') {
      const message = this.#reader.read();
      if (!message) return;
      this.#handleMessage(message, false);
    }
  }

  #acknowledge(): void {
    if (this.#peerWindow > 0 && this.#bytesIn - this.#ackedAt >= this.#peerWindow) {
      this.#ackedAt = this.#bytesIn;
      this.#send(acknowledgementMessage(this.#bytesIn % 2 ** 32)); // sequence number wraps (§5.4.3)
    }
  }

  #handleMessage(message: RtmpMessage, inAggregate: boolean): void {
    switch (message.typeId) {
      case MessageType.SetChunkSize:
        this.#log('debug', { chunkSize: this.#reader.chunkSize }, 'peer chunk size');
        return;
      case MessageType.Abort:
      case MessageType.Acknowledgement:
        return;
      case MessageType.WindowAckSize:
        this.#peerWindow = readUint32Body(message) ?? 0;
        return;
      case MessageType.SetPeerBandwidth: {
        // §5.4.5: answer with our Window Acknowledgement Size if it differs from the limit.
        const size = readUint32Body(message);
        if (size !== null && size > 0 && size !== this.#sentWindow) {
          this.#sentWindow = size;
          this.#send(windowAckSizeMessage(size));
        }
        return;
      }
      case MessageType.UserControl: {
        const event = parseUserControl(message);
        if (event?.event === UserControlEvent.PingRequest) {
          this.#send(userControlMessage(UserControlEvent.PingResponse, event.value));
        }
        return;
      }
      case MessageType.CommandAmf0:
      case MessageType.CommandAmf3:
        if (!inAggregate) this.#handleCommand(decodeCommand(message), message);
        return;
      case MessageType.DataAmf0:
      case MessageType.DataAmf3:
        this.#handleData(message);
        return;
      case MessageType.Audio:
      case MessageType.Video:
        this.#handleMedia(message);
        return;
      case MessageType.Aggregate:
        if (!inAggregate) for (const sub of splitAggregate(message)) this.#handleMessage(sub, true);
        return;
      default:
        // Shared objects and unknown types: not used by publishers; ignored.
        this.#log('debug', { typeId: message.typeId }, 'ignored message');
    }
  }

  #publishing(message: RtmpMessage): RtmpPublishSession<C> | undefined {
    const session = this.#session;
    return this.#state === 'publishing' && session && message.streamId === session.streamId ? session : undefined;
  }

  #handleMedia(message: RtmpMessage): void {
    const session = this.#publishing(message);
    if (!session) return; // media outside an accepted publish is never delivered
    this.#mediaTimer?.refresh();
    session.handleMedia(message.typeId === MessageType.Audio ? 'audio' : 'video', message.timestamp, message.payload);
  }

  #handleData(message: RtmpMessage): void {
    const session = this.#publishing(message);
    if (!session) return;
    this.#mediaTimer?.refresh();
    try {
      session.handleData(message.timestamp, decodeData(message));
    } catch (err) {
      if (!(err instanceof AmfError)) throw err;
      this.#log('debug', { err }, 'undecodable data message dropped');
    }
  }

  // -------------------------------------------------------------------------------------------
  // Commands (§7.2)

  #handleCommand(command: Command, message: RtmpMessage): void {
    const { name, transactionId: txn, args } = command;
    this.#log('debug', { command: name, txn, streamId: message.streamId }, 'command');
    switch (name) {
      case 'connect':
        this.#connect(command);
        return;
      case 'releaseStream':
        if (txn) this.#send(commandMessage('_result', txn, null, [undefined]));
        return;
      case 'FCPublish':
        // Flash Media Live Encoder convention; OBS and ffmpeg send it and do not wait for it.
        this.#send(
          commandMessage('onFCPublish', 0, null, [
            statusInfo('status', 'NetStream.Publish.Start', String(args[0] ?? '')),
          ]),
        );
        return;
      case 'createStream':
        this.#createStream(txn);
        return;
      case 'publish':
        this.#publish(command, message.streamId);
        return;
      case 'FCUnpublish':
        this.#send(
          commandMessage('onFCUnpublish', 0, null, [
            statusInfo('status', 'NetStream.Unpublish.Success', String(args[0] ?? '')),
          ]),
        );
        this.#unpublish();
        return;
      case 'deleteStream': {
        const streamId = typeof args[0] === 'number' ? args[0] : message.streamId;
        if (this.#session?.streamId === streamId) this.#unpublish();
        this.#streams.delete(streamId);
        return;
      }
      case 'closeStream':
        if (this.#session?.streamId === message.streamId) this.#unpublish();
        return;
      case 'getStreamLength':
        if (txn) this.#send(commandMessage('_result', txn, null, [0]));
        return;
      case 'play':
      case 'play2':
        // An ingest does not serve players.
        this.#send(
          onStatusMessage(
            message.streamId,
            statusInfo('error', 'NetStream.Play.Failed', 'playback is not offered by this server'),
          ),
        );
        this.#end('disconnect', undefined, true);
        return;
      default:
        // checkbw, _checkbw, _result, onStatus, receiveAudio, ...: tolerated and ignored. No _error
        // reply: ffmpeg treats an _error to a call it tracks as fatal.
        return;
    }
  }

  #connect(command: Command): void {
    if (this.#state !== 'connect') throw new RtmpProtocolError('state', 'connect received twice');
    const params = isObject(command.commandObject) ? command.commandObject : {};
    this.#connectParams = params;
    this.#app = normalizeApp(typeof params.app === 'string' ? params.app : '');
    this.#tcUrl = typeof params.tcUrl === 'string' ? params.tcUrl : '';
    const objectEncoding = typeof params.objectEncoding === 'number' ? params.objectEncoding : 0;
    this.#state = 'connected';
    // §7.2.1.1 / §7.3.1: window, peer bandwidth, stream begin, our chunk size, then _result.
    this.#sentWindow = this.#o.windowAckSize;
    this.#send(windowAckSizeMessage(this.#o.windowAckSize));
    this.#send(setPeerBandwidthMessage(this.#o.windowAckSize, PeerBandwidthLimit.Dynamic));
    this.#send(userControlMessage(UserControlEvent.StreamBegin, 0));
    this.#send(setChunkSizeMessage(this.#o.chunkSize));
    const properties: Amf0Object = { fmsVer: 'FMS/3,5,7,7009', capabilities: 31, mode: 1 };
    // Enhanced RTMP: a client listing FourCCs learns we take them all (we pass media through).
    if (Array.isArray(params.fourCcList)) properties.fourCcList = params.fourCcList;
    const info = statusInfo('status', 'NetConnection.Connect.Success', 'Connection succeeded.', { objectEncoding });
    this.#send(commandMessage('_result', command.transactionId, properties, [info]));
    this.#log('debug', { app: this.#app, tcUrl: redactTcUrl(this.#tcUrl), flashVer: params.flashVer }, 'connected');
  }

  #createStream(txn: number): void {
    if (this.#state === 'connect') throw new RtmpProtocolError('state', 'createStream before connect');
    if (this.#streams.size >= this.#o.limits.maxStreamsPerConnection) {
      this.#send(
        commandMessage('_error', txn, null, [statusInfo('error', 'NetConnection.Call.Failed', 'too many streams')]),
      );
      return;
    }
    const streamId = this.#nextStreamId++;
    this.#streams.add(streamId);
    this.#send(commandMessage('_result', txn, null, [streamId]));
  }

  #publish(command: Command, streamId: number): void {
    if (this.#state === 'connect') throw new RtmpProtocolError('state', 'publish before connect');
    const rawName = typeof command.args[0] === 'string' ? command.args[0] : '';
    const publishType = typeof command.args[1] === 'string' ? command.args[1] : 'live';
    const { streamKey, query } = parsePublishName(rawName);
    if (this.#state !== 'connected') {
      this.#reject(streamId, { allow: false, code: 'BadName', description: 'this connection is already publishing' });
      return;
    }
    if (!this.#streams.has(streamId)) {
      this.#reject(streamId, {
        allow: false,
        code: 'BadName',
        description: 'publish on a stream that was not created',
      });
      return;
    }
    if (streamKey === '') {
      this.#reject(streamId, { allow: false, code: 'BadName', description: 'empty stream name' });
      return;
    }
    const request: PublishRequest = {
      app: this.#app,
      streamKey,
      query,
      publishType,
      tcUrl: this.#tcUrl,
      remoteAddress: this.remoteAddress,
      remotePort: this.remotePort,
      connectionId: this.id,
      connectParams: this.#connectParams,
    };
    // Until authorize settles we stop parsing (and reading the socket): media queued behind the
    // publish command is neither delivered nor buffered beyond one socket read; TCP holds the rest.
    this.#state = 'authorizing';
    this.#socket.pause();
    const controller = new AbortController();
    this.#authorization = controller;
    const { signal } = controller;
    Promise.resolve()
      .then(() => this.#o.authorize(request, { signal }))
      .then(
        (result) => {
          if (!signal.aborted) this.#guard(() => this.#authorized(request, streamId, result));
        },
        (err: unknown) => {
          if (signal.aborted) return;
          this.#log(
            'error',
            { err, streamKeyPrefix: redactStreamKey(streamKey) },
            'authorize failed; publish rejected',
          );
          this.#guard(() =>
            this.#authorized(request, streamId, {
              allow: false,
              code: 'Rejected',
              description: 'authorization failed',
            }),
          );
        },
      );
  }

  #authorized(request: PublishRequest, streamId: number, result: AuthorizeResult<C>): void {
    this.#authorization = undefined;
    if (this.#state !== 'authorizing') return;
    if (result?.allow !== true) {
      this.#reject(
        streamId,
        result && result.allow === false ? result : { allow: false, code: 'Rejected', description: 'rejected' },
      );
      return;
    }
    const session = new RtmpPublishSession<C>({
      request,
      context: result.context,
      streamId,
      logger: this.#o.logger,
      kick: (why) => {
        this.#log('info', { sessionId: session.id, why }, 'publish kicked');
        this.#end('kicked', undefined, true);
      },
    });
    this.#session = session;
    this.#state = 'publishing';
    clearTimeout(this.#setupTimer);
    this.#mediaTimer = setTimeout(
      () => this.#guard(() => this.#fail(new RtmpProtocolError('timeout', 'publisher stalled'), 'timeout')),
      this.#o.limits.mediaTimeoutMs,
    );
    this.#log(
      'info',
      { sessionId: session.id, app: request.app, streamKeyPrefix: redactStreamKey(request.streamKey) },
      'publish started',
    );
    this.#o.onPublish(session);
    if (this.#state !== 'publishing') return; // a publish listener kicked it
    this.#send(userControlMessage(UserControlEvent.StreamBegin, streamId));
    this.#send(
      onStatusMessage(
        streamId,
        statusInfo('status', 'NetStream.Publish.Start', `${request.streamKey} is now published.`, {
          details: request.streamKey,
        }),
      ),
    );
    this.#socket.resume();
    this.#pump();
  }

  /** onStatus error, then a clean close (§7.2.2.6: the publisher learns why). */
  #reject(streamId: number, rejection: PublishRejection): void {
    const code = rejection.code === 'BadName' ? 'NetStream.Publish.BadName' : 'NetStream.Publish.Rejected';
    this.#log('info', { code, description: rejection.description }, 'publish rejected');
    this.#send(onStatusMessage(streamId, statusInfo('error', code, rejection.description)));
    this.#end('disconnect', undefined, true);
  }

  #unpublish(): void {
    const session = this.#session;
    if (!session || this.#state !== 'publishing') return;
    this.#session = undefined;
    this.#state = 'connected';
    clearTimeout(this.#mediaTimer);
    this.#mediaTimer = undefined;
    this.#armSetupTimer(); // a connection that stays without publishing is closed in time
    this.#log('info', { sessionId: session.id }, 'publish ended by the publisher');
    session.end('unpublish');
  }

  // -------------------------------------------------------------------------------------------
  // Output and lifecycle

  #send(message: RtmpMessage): void {
    if (this.#socket.destroyed) return;
    this.#socket.write(this.#writer.write(message));
    if (this.#socket.writableLength > this.#o.limits.maxOutboundBytes) {
      throw new RtmpProtocolError('outbound-limit', 'peer is not reading');
    }
  }

  #armSetupTimer(): void {
    clearTimeout(this.#setupTimer);
    this.#setupTimer = setTimeout(
      () =>
        this.#guard(() => this.#fail(new RtmpProtocolError('timeout', 'no publish within the setup time'), 'timeout')),
      this.#o.limits.setupTimeoutMs,
    );
  }

  #guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.#fail(err, 'error');
    }
  }

  #fail(err: unknown, reason: EndReason): void {
    const error = err instanceof Error ? err : new Error(String(err));
    if (err instanceof RtmpProtocolError) {
      this.#log(
        reason === 'timeout' ? 'info' : 'warn',
        { code: err.code, reason: err.message, state: this.#state },
        'closing connection',
      );
    } else {
      this.#log('error', { err, state: this.#state }, 'connection failed');
    }
    this.#end(reason, error, false);
  }

  /** Ends the connection once: the session first (its 'end' fires), then the socket. */
  #end(reason: EndReason, error: Error | undefined, graceful: boolean): void {
    if (this.#state === 'closing' || this.#state === 'closed') return;
    this.#state = 'closing';
    this.#clearTimers();
    this.#authorization?.abort();
    const session = this.#session;
    this.#session = undefined;
    if (session) {
      this.#log('info', { sessionId: session.id, reason }, 'publish ended');
      session.end(reason, error);
    }
    if (this.#socket.destroyed) return;
    if (!graceful) {
      this.#socket.destroy();
      return;
    }
    this.#socket.resume(); // read (and discard) until the peer closes
    this.#socket.end();
    this.#graceTimer = setTimeout(() => this.#socket.destroy(), this.#o.limits.closeGraceMs);
  }

  #onSocketClose(): void {
    if (this.#state !== 'closing') {
      this.#state = 'closing';
      this.#authorization?.abort();
      const session = this.#session;
      this.#session = undefined;
      if (session) {
        this.#log('info', { sessionId: session.id, reason: 'disconnect' }, 'publish ended');
        session.end('disconnect');
      }
    }
    this.#state = 'closed';
    this.#clearTimers();
    clearTimeout(this.#graceTimer);
    this.#o.onClose(this);
    this.#resolveClosed();
  }

  #clearTimers(): void {
    clearTimeout(this.#handshakeTimer);
    clearTimeout(this.#setupTimer);
    clearTimeout(this.#mediaTimer);
  }

  #log(level: keyof RtmpLogger, fields: Record<string, unknown>, msg: string): void {
    this.#o.logger[level]({ connectionId: this.id, remoteAddress: this.remoteAddress, ...fields }, msg);
  }
}

function isObject(value: Amf0Value): value is Amf0Object {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
