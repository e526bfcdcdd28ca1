#!/usr/bin/env node
// `npx gridpulse <command>`: the CLI runs the TypeScript sources through tsx (a runtime dependency).
import { register } from 'tsx/esm/api';

register();
await import('../server/cli/index.ts');
