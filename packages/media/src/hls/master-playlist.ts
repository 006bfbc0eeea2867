// Pure Multivariant ("master") Playlist renderer (RFC 8216bis §4.4.6).
import { attributes, quoted } from './format.ts';
import { LL_HLS_VERSION } from './media-playlist.ts';

export type AudioRendition = {
  groupId: string;
  name: string;
  uri: string;
  language?: string;
  default?: boolean;
  autoselect?: boolean;
  /** CHANNELS attribute, e.g. "2". */
  channels?: string;
};

export type VariantStream = {
  uri: string;
  /** Peak segment bit rate in bits/s, including the audio rendition it plays with (§4.4.6.2). */
  bandwidth: number;
  averageBandwidth?: number;
  /** Every codec in any segment of the variant, including its audio group (§4.4.6.2, §6.2.4). */
  codecs: readonly string[];
  resolution?: { width: number; height: number };
  frameRate?: number;
  audioGroup?: string;
};

export type MasterPlaylistModel = {
  version?: number;
  independentSegments?: boolean;
  audio?: readonly AudioRendition[];
  variants: readonly VariantStream[];
};

export function renderMasterPlaylist(model: MasterPlaylistModel): string {
  const lines: string[] = ['#EXTM3U', `#EXT-X-VERSION:${model.version ?? LL_HLS_VERSION}`];
  if (model.independentSegments) lines.push('#EXT-X-INDEPENDENT-SEGMENTS');
  for (const audio of model.audio ?? []) {
    const attrs = attributes([
      ['TYPE', 'AUDIO'],
      ['GROUP-ID', quoted(audio.groupId)],
      ['NAME', quoted(audio.name)],
      ['LANGUAGE', audio.language === undefined ? undefined : quoted(audio.language)],
      ['DEFAULT', audio.default ? 'YES' : 'NO'],
      ['AUTOSELECT', audio.autoselect === false ? 'NO' : 'YES'],
      ['CHANNELS', audio.channels === undefined ? undefined : quoted(audio.channels)],
      ['URI', quoted(audio.uri)],
    ]);
    lines.push(`#EXT-X-MEDIA:${attrs}`);
  }
  for (const variant of model.variants) {
    if (!Number.isInteger(variant.bandwidth) || variant.bandwidth < 0) {
      throw new RangeError(`BANDWIDTH must be a non-negative integer, got ${variant.bandwidth}`);
    }
    const attrs = attributes([
      ['BANDWIDTH', String(variant.bandwidth)],
      ['AVERAGE-BANDWIDTH', variant.averageBandwidth === undefined ? undefined : String(variant.averageBandwidth)],
      ['CODECS', variant.codecs.length > 0 ? quoted(variant.codecs.join(',')) : undefined],
      ['RESOLUTION', variant.resolution ? `${variant.resolution.width}x${variant.resolution.height}` : undefined],
      ['FRAME-RATE', variant.frameRate === undefined ? undefined : variant.frameRate.toFixed(3)],
      ['AUDIO', variant.audioGroup === undefined ? undefined : quoted(variant.audioGroup)],
    ]);
    lines.push(`#EXT-X-STREAM-INF:${attrs}`, variant.uri);
  }
  return `${lines.join('\n')}\n`;
}
