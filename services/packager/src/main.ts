import { runServiceMain } from '@phzzk/kit';
import { packagerService } from './service.ts';

await runServiceMain(packagerService);
