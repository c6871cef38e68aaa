/**
 * A real anvil (npm @foundry-rs/anvil ships the binary) on a free loopback port, mining a block
 * every `blockTime` seconds (never automine: a block per transaction says nothing about blocks).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { freePort } from './net.js';

export interface Anvil {
  readonly url: string;
  readonly chainId: number;
  stop(): Promise<void>;
}

function binary(): string {
  const pkg = `@foundry-rs/anvil-${process.platform}-${process.arch === 'x64' ? 'amd64' : process.arch}`;
  let path = '';
  try {
    path = join(dirname(createRequire(import.meta.url).resolve(`${pkg}/package.json`)), 'bin', 'anvil');
  } catch {
    // The optional platform package was not installed.
  }
  if (path && existsSync(path)) return path;
  // Elsewhere than linux-x64 (the only platform package this registry mirror carries): anvil on PATH.
  const onPath = spawnSync('sh', ['-c', 'command -v anvil'], { encoding: 'utf8' }).stdout.trim();
  assert.ok(onPath, `anvil not found: npm ci installs it on linux-x64 (${pkg}, an optional dependency); elsewhere install Foundry's anvil (getfoundry.sh) on PATH`);
  return onPath;
}

export async function startAnvil(options: { blockTime?: number; chainId?: number; gasLimit?: number } = {}): Promise<Anvil> {
  const port = await freePort();
  const chainId = options.chainId ?? 31337;
  const child: ChildProcess = spawn(
    binary(),
    ['--host', '127.0.0.1', '--port', String(port), '--block-time', String(options.blockTime ?? 1), '--chain-id', String(chainId), '--gas-limit', String(options.gasLimit ?? 300_000_000), '--accounts', '1', '--silent'],
    { stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    const up = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' }).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`anvil did not start on ${url}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    chainId,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
