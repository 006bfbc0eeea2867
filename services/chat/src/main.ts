import { runServiceMain } from '@phzzk/kit';
import { chatService } from './service.ts';

await runServiceMain(chatService);
