export { isJpeg, JpegSplitter, jpegSize } from './jpeg.ts';
