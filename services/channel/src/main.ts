import { runServiceMain } from '@phzzk/kit';
import { channelService } from './service.ts';

await runServiceMain(channelService);
