// ffmpeg for PHZZK, live and VOD (after PeerTube's packages/ffmpeg): the process wrapper apart
// from the argument builders. Node built-ins only; the caller injects policy (restart delays).
export {
  type AudioPlan,
  buildLadderArgs,
  type EncoderSettings,
  fragmentDurationUs,
  frameSecondsOf,
  hasThumbnailOutput,
  type RenditionPlan,
  type ThumbnailOutput,
  type VideoPlan,
} from './ladder-args.ts';
export { checkFfmpeg, ffprobe, type ProbedStream, type ProbeResult, parseProbe } from './probe.ts';
export { type FfmpegExit, type FfmpegProcess, outputFd, type SpawnOptions, spawnFfmpeg } from './process.ts';
export { type RemuxOptions, remuxPlaylistToMp4Args, remuxToMp4Args } from './remux-args.ts';
export { RestartBackoff, type RestartPolicy } from './restart-policy.ts';
export { type SnapshotOptions, snapshotArgs } from './snapshot-args.ts';
