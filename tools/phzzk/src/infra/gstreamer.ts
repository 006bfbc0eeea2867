import { spawnSync } from 'node:child_process';
import { aptInstall, canInstallPackages, findExecutable, missingPackageError } from './system-package.ts';
import type { InfraComponentStatus, Log } from './types.ts';

/** GStreamer is the second, independent RTMP publisher the tests use: these elements must exist. */
const ELEMENTS = ['rtmp2sink', 'flvmux', 'x264enc', 'h264parse', 'voaacenc', 'avenc_aac', 'aacparse', 'videotestsrc'];
const PACKAGES = [
  'gstreamer1.0-tools',
  'gstreamer1.0-plugins-base',
  'gstreamer1.0-plugins-good',
  'gstreamer1.0-plugins-bad',
  'gstreamer1.0-plugins-ugly',
  'gstreamer1.0-libav',
];

function missingElements(): string[] {
  if (!findExecutable('gst-launch-1.0') || !findExecutable('gst-inspect-1.0')) return ELEMENTS;
  return ELEMENTS.filter((e) => spawnSync('gst-inspect-1.0', [e], { stdio: 'ignore' }).status !== 0);
}

export async function ensureGstreamer(log: Log): Promise<InfraComponentStatus> {
  if (missingElements().length === 0)
    return { name: 'gstreamer', endpoint: findExecutable('gst-launch-1.0')!, state: 'reused' };
  if (!canInstallPackages())
    throw missingPackageError(`GStreamer (${missingElements().join(', ')})`, PACKAGES.join(' '));
  await aptInstall(PACKAGES, log);
  const still = missingElements();
  if (still.length > 0)
    throw new Error(`installed ${PACKAGES.join(' ')}, but GStreamer still lacks ${still.join(', ')}`);
  return { name: 'gstreamer', endpoint: findExecutable('gst-launch-1.0')!, state: 'started' };
}
