// Refreshes the typed API client's inputs: src/api/openapi.json and src/api/schema.d.ts.
//   npm run -w apps/web gen:api -- --from http://localhost:8080/api/openapi.json   (a running platform)
//   npm run -w apps/web gen:api                                                   (from packages/contracts)
// Until the gateway serves the merged document (/api/openapi.json), the snapshot is made from the
// TypeBox schemas the services validate with, for the routes the web app calls. `--check` fails
// when the checked-in files differ from what would be written (for CI against the live document).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as contracts from '@phzzk/contracts';
import openapiTS, { astToString } from 'openapi-typescript';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'src', 'api');
const args = process.argv.slice(2);
const from = args.includes('--from') ? args[args.indexOf('--from') + 1] : undefined;
const check = args.includes('--check');

type Schema = Record<string, unknown>;
const json = (schema: unknown): Schema => JSON.parse(JSON.stringify(schema)) as Schema;
const problem = {
  description: 'problem',
  content: { 'application/problem+json': { schema: json(contracts.Problem) } },
};
const ok = (status: number, schema?: unknown) => ({
  [status]: schema
    ? { description: 'ok', content: { 'application/json': { schema: json(schema) } } }
    : { description: 'ok' },
  default: problem,
});
const body = (schema: unknown) => ({ required: true, content: { 'application/json': { schema: json(schema) } } });
const pathParam = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });
const query = (name: string, schema: Schema) => ({ name, in: 'query', required: false, schema });

const ChatBan = {
  type: 'object',
  properties: { durationSeconds: { type: 'integer', minimum: 1 }, reason: { type: 'string', maxLength: 200 } },
  additionalProperties: false,
};
const ChannelStats = {
  type: 'object',
  required: ['live', 'viewers', 'peakViewers', 'chatters', 'messagesPerMinute', 'startedAt'],
  properties: {
    live: { type: 'boolean' },
    viewers: { type: 'integer' },
    peakViewers: { type: 'integer' },
    chatters: { type: 'integer' },
    messagesPerMinute: { type: 'number' },
    startedAt: { anyOf: [{ type: 'string' }, { type: 'null' }] },
  },
};
const Heartbeat = {
  type: 'object',
  required: ['channelId', 'playerSessionId'],
  properties: {
    channelId: { type: 'string' },
    playerSessionId: { type: 'string', maxLength: 64 },
    rendition: { type: 'string' },
    latencySeconds: { type: 'number' },
  },
  additionalProperties: false,
};
const UserIdList = { type: 'object', properties: { items: { type: 'array', items: json(contracts.PublicUser) } } };

/** `?channelId=&cursor=&limit=` of the packager's lists. */
const listParameters = () => [
  { ...query('channelId', { type: 'string' }), required: true },
  query('cursor', { type: 'string' }),
  query('limit', { type: 'integer', minimum: 1, maximum: 100 }),
];

/** The routes the web app uses, with the schemas their services validate against. */
function documentFromContracts(): Schema {
  const p = (id: string) => [pathParam(id)];
  return {
    openapi: '3.1.0',
    info: { title: 'PHZZK API (web app subset, from packages/contracts)', version: '0.1.0' },
    paths: {
      '/api/auth/signup': {
        post: { requestBody: body(contracts.SignupRequest), responses: ok(201, contracts.TokenResponse) },
      },
      '/api/auth/login': {
        post: { requestBody: body(contracts.LoginRequest), responses: ok(200, contracts.TokenResponse) },
      },
      '/api/auth/refresh': {
        post: { requestBody: body(contracts.RefreshRequest), responses: ok(200, contracts.TokenResponse) },
      },
      '/api/auth/logout': { post: { requestBody: body(contracts.LogoutRequest), responses: ok(204) } },
      '/api/auth/social/providers': {
        get: {
          responses: ok(200, {
            type: 'object',
            required: ['items'],
            properties: {
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['id', 'name'],
                  properties: { id: { type: 'string' }, name: { type: 'string' } },
                },
              },
            },
          }),
        },
      },
      '/api/auth/social/exchange': {
        post: { requestBody: body(contracts.SocialExchangeRequest), responses: ok(200, contracts.SocialResult) },
      },
      '/api/auth/social/signup': {
        post: { requestBody: body(contracts.SocialSignupRequest), responses: ok(201, contracts.TokenResponse) },
      },
      '/api/users/me': {
        get: { responses: ok(200, contracts.PrivateUser) },
        patch: { requestBody: body(contracts.UpdateMeRequest), responses: ok(200, contracts.PrivateUser) },
      },
      '/api/users/{id}': { get: { parameters: p('id'), responses: ok(200, contracts.PublicUser) } },
      '/api/channels': {
        get: {
          parameters: [
            query('live', { type: 'boolean' }),
            query('limit', { type: 'integer' }),
            query('cursor', { type: 'string' }),
          ],
          responses: ok(200, contracts.ChannelPage),
        },
      },
      '/api/channels/me': {
        get: { responses: ok(200, contracts.Channel) },
        patch: { requestBody: body(contracts.UpdateChannelRequest), responses: ok(200, contracts.Channel) },
      },
      '/api/channels/me/stream-key': { get: { responses: ok(200, contracts.StreamKeyResponse) } },
      '/api/channels/me/stream-key/rotate': { post: { responses: ok(200, contracts.StreamKeyResponse) } },
      '/api/channels/{id}': { get: { parameters: p('id'), responses: ok(200, contracts.Channel) } },
      '/api/channels/{id}/live': { get: { parameters: p('id'), responses: ok(200, contracts.LiveInfo) } },
      '/api/channels/{id}/follow': {
        put: { parameters: p('id'), responses: ok(200, contracts.FollowState) },
        delete: { parameters: p('id'), responses: ok(200, contracts.FollowState) },
      },
      '/api/chat/{channelId}/settings': {
        get: { parameters: p('channelId'), responses: ok(200, contracts.ChatSettingsValue) },
        put: {
          parameters: p('channelId'),
          requestBody: body(contracts.ChatSettingsValue),
          responses: ok(200, contracts.ChatSettingsValue),
        },
      },
      '/api/chat/{channelId}/messages/{messageId}': {
        delete: { parameters: [...p('channelId'), pathParam('messageId')], responses: ok(204) },
      },
      '/api/chat/{channelId}/bans': { get: { parameters: p('channelId'), responses: ok(200, UserIdList) } },
      '/api/chat/{channelId}/bans/{userId}': {
        put: { parameters: [...p('channelId'), pathParam('userId')], requestBody: body(ChatBan), responses: ok(204) },
        delete: { parameters: [...p('channelId'), pathParam('userId')], responses: ok(204) },
      },
      '/api/chat/{channelId}/moderators': { get: { parameters: p('channelId'), responses: ok(200, UserIdList) } },
      '/api/chat/{channelId}/moderators/{userId}': {
        put: { parameters: [...p('channelId'), pathParam('userId')], responses: ok(204) },
        delete: { parameters: [...p('channelId'), pathParam('userId')], responses: ok(204) },
      },
      '/api/stats/channels/{channelId}': { get: { parameters: p('channelId'), responses: ok(200, ChannelStats) } },
      '/api/stats/heartbeat': { post: { requestBody: body(Heartbeat), responses: ok(204) } },
      '/api/chat/{channelId}/replay': {
        get: {
          parameters: [
            ...p('channelId'),
            { ...query('sessionId', { type: 'string' }), required: true },
            query('fromSeconds', { type: 'number' }),
            query('toSeconds', { type: 'number' }),
          ],
          responses: ok(200, contracts.ChatReplayPage),
        },
      },
      '/api/vods': {
        get: { parameters: listParameters(), responses: ok(200, contracts.VodPage) },
      },
      '/api/vods/{id}': {
        get: { parameters: p('id'), responses: ok(200, contracts.Vod) },
        patch: { parameters: p('id'), requestBody: body(contracts.PatchVodRequest), responses: ok(200, contracts.Vod) },
        delete: { parameters: p('id'), responses: ok(204) },
      },
      '/api/clips': {
        get: { parameters: listParameters(), responses: ok(200, contracts.ClipPage) },
        post: { requestBody: body(contracts.CreateClipRequest), responses: ok(201, contracts.Clip) },
      },
      '/api/clips/{id}': { get: { parameters: p('id'), responses: ok(200, contracts.Clip) } },
    },
  };
}

const document: Schema = from
  ? ((await (await fetch(from, { signal: AbortSignal.timeout(10_000) })).json()) as Schema)
  : documentFromContracts();
const documentText = `${JSON.stringify(document, null, 2)}\n`;
const types = `// Generated by scripts/gen-api.ts from openapi.json: do not edit.\n${astToString(
  await openapiTS(document as unknown as Parameters<typeof openapiTS>[0]),
)}`;
const files: [string, string][] = [
  [join(out, 'openapi.json'), documentText],
  [join(out, 'schema.d.ts'), types],
];
if (check) {
  const stale = files.filter(([file, text]) => {
    try {
      return readFileSync(file, 'utf8') !== text;
    } catch {
      return true;
    }
  });
  if (stale.length > 0) {
    console.error(`gen-api: out of date: ${stale.map(([f]) => f).join(', ')}; run npm run -w apps/web gen:api`);
    process.exit(1);
  }
} else {
  for (const [file, text] of files) writeFileSync(file, text);
  console.log(`gen-api: wrote ${files.map(([f]) => f).join(', ')}`);
}
