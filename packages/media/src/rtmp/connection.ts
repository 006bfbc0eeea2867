// One RTMP connection: handshake, chunk stream, its publish's state and media. Commands are routed
// by command-dispatch.ts, connect/publish answered per publish-negotiation.ts. Every entry point
// (socket data, timers, the authorize promise) is guarded: the worst a peer can do is close it.
import { redactStreamKey, redactTcUrl } from './redact.ts';
import type { Socket } from 'node:net';
import type { Amf0Object } from '../flv/amf-value.ts';
import { AmfError } from '../flv/errors.ts';
import { splitAggregate } from './aggregate.ts';
import { ChunkReader } from './chunk-reader.ts';
import { ChunkWriter } from './chunk-writer.ts';
import { dispatchCommand } from './command-dispatch.ts';
import { type Command, commandMessage, decodeCommand, decodeData, statusInfo } from './commands.ts';
import { RtmpProtocolError } from './errors.ts';
import { ServerHandshake } from './handshake.ts';
import type { RtmpLimits } from './limits.ts';
import { MessageType, type RtmpMessage } from './messages.ts';
import {
  answerConnect,
  authorizePublish,
  publishRefusedMessage,
  publishRequest,
  publishStartMessages,
  refusalOf,
} from './publish-negotiation.ts';
import { ProtocolControl } from './protocol-control.ts';
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

const CALL_FAILED = 'NetConnection.Call.Failed';
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
  readonly #control = new ProtocolControl();
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
      const ack = this.#control.received(data.length);
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
      if (ack) this.#send(ack);
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

  #handleMessage(message: RtmpMessage, inAggregate: boolean): void {
    const control = this.#control.handle(message);
    if (control) {
      if (control.reply) this.#send(control.reply);
      return;
    }
    switch (message.typeId) {
      case MessageType.CommandAmf0:
      case MessageType.CommandAmf3:
        if (!inAggregate) this.#handleCommand(decodeCommand(message), message);
        return;
      case MessageType.DataAmf0:
      case MessageType.DataAmf3:
      case MessageType.Audio:
      case MessageType.Video:
        this.#handlePublished(message);
        return;
      case MessageType.Aggregate:
        if (!inAggregate) for (const sub of splitAggregate(message)) this.#handleMessage(sub, true);
        return;
      default:
        // Shared objects and unknown types: not used by publishers; ignored.
        this.#log('debug', { typeId: message.typeId }, 'ignored message');
    }
  }

  /** Media and data messages of the accepted publish; anything else is never delivered. */
  #handlePublished(message: RtmpMessage): void {
    const session = this.#session;
    if (this.#state !== 'publishing' || !session || message.streamId !== session.streamId) return;
    this.#mediaTimer?.refresh();
    if (message.typeId === MessageType.Audio || message.typeId === MessageType.Video) {
      session.handleMedia(message.typeId === MessageType.Audio ? 'audio' : 'video', message.timestamp, message.payload);
      return;
    }
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
    this.#log('debug', { command: command.name, txn: command.transactionId, streamId: message.streamId }, 'command');
    dispatchCommand(command, message.streamId, {
      connect: (c) => this.#connect(c),
      createStream: (txn) => this.#createStream(txn),
      publish: (c, streamId) => this.#publish(c, streamId),
      unpublish: (streamId) => {
        if (streamId === undefined || this.#session?.streamId === streamId) this.#unpublish();
      },
      deleteStream: (streamId) => this.#streams.delete(streamId),
      refuse: () => this.#end('disconnect', undefined, true),
      send: (m) => this.#send(m),
    });
  }

  #connect(command: Command): void {
    if (this.#state !== 'connect') throw new RtmpProtocolError('state', 'connect received twice');
    const answer = answerConnect(command, this.#o);
    this.#connectParams = answer.params;
    this.#app = answer.app;
    this.#tcUrl = answer.tcUrl;
    this.#state = 'connected';
    this.#control.sentWindow = this.#o.windowAckSize;
    for (const message of answer.messages) this.#send(message);
    this.#log(
      'debug',
      { app: this.#app, tcUrl: redactTcUrl(this.#tcUrl), flashVer: answer.params.flashVer },
      'connected',
    );
  }

  #createStream(txn: number): void {
    if (this.#state === 'connect') throw new RtmpProtocolError('state', 'createStream before connect');
    if (this.#streams.size >= this.#o.limits.maxStreamsPerConnection) {
      this.#send(commandMessage('_error', txn, null, [statusInfo('error', CALL_FAILED, 'too many streams')]));
      return;
    }
    const streamId = this.#nextStreamId++;
    this.#streams.add(streamId);
    this.#send(commandMessage('_result', txn, null, [streamId]));
  }

  #publish(command: Command, streamId: number): void {
    if (this.#state === 'connect') throw new RtmpProtocolError('state', 'publish before connect');
    const checked = publishRequest(command, streamId, {
      busy: this.#state !== 'connected',
      streams: this.#streams,
      app: this.#app,
      tcUrl: this.#tcUrl,
      connectParams: this.#connectParams,
      remoteAddress: this.remoteAddress,
      remotePort: this.remotePort,
      connectionId: this.id,
    });
    if ('rejection' in checked) {
      this.#reject(streamId, checked.rejection);
      return;
    }
    const { request } = checked;
    // Until authorize settles we stop parsing (and reading the socket): media queued behind the
    // publish command is neither delivered nor buffered beyond one socket read; TCP holds the rest.
    this.#state = 'authorizing';
    this.#socket.pause();
    this.#authorization = authorizePublish(this.#o.authorize, request, (result, err) => {
      if (err !== undefined)
        this.#log(
          'error',
          { err, streamKeyPrefix: redactStreamKey(request.streamKey) },
          'authorize failed; publish rejected',
        );
      this.#guard(() => this.#authorized(request, streamId, result));
    });
  }

  #authorized(request: PublishRequest, streamId: number, result: AuthorizeResult<C>): void {
    this.#authorization = undefined;
    if (this.#state !== 'authorizing') return;
    if (result?.allow !== true) {
      this.#reject(streamId, refusalOf(result));
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
    for (const message of publishStartMessages(streamId, request.streamKey)) this.#send(message);
    this.#socket.resume();
    this.#pump();
  }

  /** onStatus error, then a clean close (§7.2.2.6: the publisher learns why). */
  #reject(streamId: number, rejection: PublishRejection): void {
    const { code, message } = publishRefusedMessage(streamId, rejection);
    this.#log('info', { code, description: rejection.description }, 'publish rejected');
    this.#send(message);
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
      const level = reason === 'timeout' ? 'info' : 'warn';
      this.#log(level, { code: err.code, reason: err.message, state: this.#state }, 'closing connection');
    } else this.#log('error', { err, state: this.#state }, 'connection failed');
    this.#end(reason, error, false);
  }

  /** Ends the connection once: the session first (its 'end' fires), then the socket. */
  #end(reason: EndReason, error: Error | undefined, graceful: boolean): void {
    if (this.#state === 'closing' || this.#state === 'closed') return;
    this.#state = 'closing';
    this.#clearTimers();
    this.#endSession(reason, error);
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
      this.#endSession('disconnect', undefined);
    }
    this.#state = 'closed';
    this.#clearTimers();
    clearTimeout(this.#graceTimer);
    this.#o.onClose(this);
    this.#resolveClosed();
  }

  /** The one way a session ends with its connection: authorization abandoned, the session's 'end' fired. */
  #endSession(reason: EndReason, error: Error | undefined): void {
    this.#authorization?.abort();
    const session = this.#session;
    this.#session = undefined;
    if (!session) return;
    this.#log('info', { sessionId: session.id, reason }, 'publish ended');
    session.end(reason, error);
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
