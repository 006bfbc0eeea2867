import { runServiceMain } from '@phzzk/kit';
import { authService } from './service.ts';

await runServiceMain(authService);
