// The paced load generator as a process of its own (see paced-load-process.ts): it takes one run
// at a time over IPC, collects its garbage before each, and answers with the run's figures.
import { type PacedLoadOptions, pacedLoad } from './paced-load.ts';

const collect = (globalThis as { gc?: () => void }).gc;

process.on('message', (options: PacedLoadOptions) => {
  collect?.();
  pacedLoad(options).then(
    (result) => process.send?.({ result }),
    (error: Error) => process.send?.({ error: error.message }),
  );
});
process.on('disconnect', () => process.exit(0));
