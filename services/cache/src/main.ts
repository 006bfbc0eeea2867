import { runServiceMain } from '@phzzk/kit';
import { cacheService } from './service.ts';

await runServiceMain(cacheService);
