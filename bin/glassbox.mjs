#!/usr/bin/env node
// The glassbox bin. tsx compiles the TypeScript sources on the fly, so the bin
// needs no build step of its own (the web app is built by `npm run build`).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../backends/node/main.ts');
process.exitCode = await main(process.argv.slice(2));
