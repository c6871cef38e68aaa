import { createServer } from 'node:net';

/**
 * A loopback port free a moment ago, for a server that must be told its port (Prometheus, anvil),
 * or for one that must be known not to be listening.
 */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
