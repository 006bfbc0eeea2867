import { runServiceMain } from '@phzzk/kit';
import { ingestService } from './service.ts';

await runServiceMain(ingestService);
