#!/usr/bin/env node
import { main } from './app.js';
import { processEnv } from './env.js';

process.exitCode = await main(processEnv());
