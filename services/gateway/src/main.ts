import { runServiceMain } from '@phzzk/kit';
import { gatewayService } from './service.ts';

await runServiceMain(gatewayService);
