import { runServiceMain } from '@phzzk/kit';
import { configService } from './service.ts';

await runServiceMain(configService);
