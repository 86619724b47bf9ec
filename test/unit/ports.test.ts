import net from 'node:net';
import { freePort, isPortFree, preferredOrFreePort } from '../../src/infra/ports';

describe('ports', () => {
  it('gives the preferred port while it is free and another one once it is taken', async () => {
    const port = await freePort();
    expect(await preferredOrFreePort(port)).toBe(port);

    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
    try {
      expect(await isPortFree(port)).toBe(false);
      const other = await preferredOrFreePort(port);
      expect(other).not.toBe(port);
      expect(await isPortFree(other)).toBe(true);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('treats 0 as "no preference"', async () => {
    expect(await preferredOrFreePort(0)).toBeGreaterThan(0);
  });
});
