import { runServiceMain } from '@phzzk/kit';
import { discoveryService } from './service.ts';

await runServiceMain(discoveryService);
