import { runServiceMain } from '@phzzk/kit';
import { transcoderService } from './service.ts';

await runServiceMain(transcoderService);
