import { runServiceMain } from '@phzzk/kit';
import { userService } from './service.ts';

await runServiceMain(userService);
