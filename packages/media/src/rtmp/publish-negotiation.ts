// Connect and publish negotiation (§7.2.1.1, §7.2.2.6, §7.3.1): what a connect is answered with,
// whether a publish may go ahead (and the request authorize() sees), and the messages that start
// or refuse it. Pure, except authorizePublish, which runs the (async) authorize hook.
import type { Amf0Object, Amf0Value } from '../flv/amf-value.ts';
import {
  type Command,
  commandMessage,
  normalizeApp,
  onStatusMessage,
  parsePublishName,
  statusInfo,
} from './commands.ts';
import {
  PeerBandwidthLimit,
  type RtmpMessage,
  setChunkSizeMessage,
  setPeerBandwidthMessage,
  UserControlEvent,
  userControlMessage,
  windowAckSizeMessage,
} from './messages.ts';
import type { Authorize, AuthorizeResult, PublishRejection, PublishRequest } from './types.ts';

export interface ConnectAnswer {
  app: string;
  tcUrl: string;
  params: Amf0Object;
  /** Window, peer bandwidth, stream begin, our chunk size, then _result. */
  messages: RtmpMessage[];
}

export function answerConnect(command: Command, settings: { windowAckSize: number; chunkSize: number }): ConnectAnswer {
  const params = isObject(command.commandObject) ? command.commandObject : {};
  const objectEncoding = typeof params.objectEncoding === 'number' ? params.objectEncoding : 0;
  const properties: Amf0Object = { fmsVer: 'FMS/3,5,7,7009', capabilities: 31, mode: 1 };
  // Enhanced RTMP: a client listing FourCCs learns we take them all (we pass media through).
  if (Array.isArray(params.fourCcList)) properties.fourCcList = params.fourCcList;
  const info = statusInfo('status', 'NetConnection.Connect.Success', 'Connection succeeded.', { objectEncoding });
  return {
    app: normalizeApp(typeof params.app === 'string' ? params.app : ''),
    tcUrl: typeof params.tcUrl === 'string' ? params.tcUrl : '',
    params,
    messages: [
      windowAckSizeMessage(settings.windowAckSize),
      setPeerBandwidthMessage(settings.windowAckSize, PeerBandwidthLimit.Dynamic),
      userControlMessage(UserControlEvent.StreamBegin, 0),
      setChunkSizeMessage(settings.chunkSize),
      commandMessage('_result', command.transactionId, properties, [info]),
    ],
  };
}

export interface PublishContext {
  /** The connection publishes already (or is being authorized). */
  busy: boolean;
  streams: ReadonlySet<number>;
  app: string;
  tcUrl: string;
  connectParams: Amf0Object;
  remoteAddress: string;
  remotePort: number;
  connectionId: string;
}

/** The request a publish command makes, or why it is refused before authorization. */
export function publishRequest(
  command: Command,
  streamId: number,
  context: PublishContext,
): { request: PublishRequest } | { rejection: PublishRejection } {
  const rawName = typeof command.args[0] === 'string' ? command.args[0] : '';
  const publishType = typeof command.args[1] === 'string' ? command.args[1] : 'live';
  const { streamKey, query } = parsePublishName(rawName);
  const refuse = (description: string) => ({
    rejection: { allow: false as const, code: 'BadName' as const, description },
  });
  if (context.busy) return refuse('this connection is already publishing');
  if (!context.streams.has(streamId)) return refuse('publish on a stream that was not created');
  if (streamKey === '') return refuse('empty stream name');
  return {
    request: {
      app: context.app,
      streamKey,
      query,
      publishType,
      tcUrl: context.tcUrl,
      remoteAddress: context.remoteAddress,
      remotePort: context.remotePort,
      connectionId: context.connectionId,
      connectParams: context.connectParams,
    },
  };
}

/**
 * Runs authorize(); `settle` gets its result, or a rejection when it throws. Nothing is settled
 * once the returned controller is aborted (the connection went away meanwhile).
 */
export function authorizePublish<C>(
  authorize: Authorize<C>,
  request: PublishRequest,
  settle: (result: AuthorizeResult<C>, error?: unknown) => void,
): AbortController {
  const controller = new AbortController();
  const { signal } = controller;
  Promise.resolve()
    .then(() => authorize(request, { signal }))
    .then(
      (result) => {
        if (!signal.aborted) settle(result);
      },
      (err: unknown) => {
        if (!signal.aborted) settle({ allow: false, code: 'Rejected', description: 'authorization failed' }, err);
      },
    );
  return controller;
}

/** A refusal from authorize() as it is, or a generic one for an answer that is not an allow. */
export function refusalOf<C>(result: AuthorizeResult<C> | undefined): PublishRejection {
  return result && result.allow === false ? result : { allow: false, code: 'Rejected', description: 'rejected' };
}

/** StreamBegin and NetStream.Publish.Start. */
export function publishStartMessages(streamId: number, streamKey: string): RtmpMessage[] {
  return [
    userControlMessage(UserControlEvent.StreamBegin, streamId),
    onStatusMessage(
      streamId,
      statusInfo('status', 'NetStream.Publish.Start', `${streamKey} is now published.`, { details: streamKey }),
    ),
  ];
}

/** The onStatus error a refused publish gets before the connection closes. */
export function publishRefusedMessage(
  streamId: number,
  rejection: PublishRejection,
): { code: string; message: RtmpMessage } {
  const code = rejection.code === 'BadName' ? 'NetStream.Publish.BadName' : 'NetStream.Publish.Rejected';
  return { code, message: onStatusMessage(streamId, statusInfo('error', code, rejection.description)) };
}

function isObject(value: Amf0Value): value is Amf0Object {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
