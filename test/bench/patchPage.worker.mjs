// The page's side of the patch bench, in a thread of its own (a heap of its own, as the
// browser's page is to the simulator's Web Worker). Plain JS so worker_threads can start it;
// it registers tsx and loads the TypeScript side.
import { register } from 'tsx/esm/api';

register();
await import('./patchPage.ts');
