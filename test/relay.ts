// A TCP relay between the app and a service it needs (PostgreSQL, Redis), which a test cuts as a
// network would: every connection through it is destroyed at once, without a word from the service.
import net from 'node:net'
import type { Test } from 'tap'

export interface Relay {
  /** The port on 127.0.0.1 to reach the service through. */
  port: number
  /** Stops taking connections and destroys every one open. */
  cut(): void
}

/** A relay to `url`'s host and port (`defaultPort` when it names none), closed when the test ends. */
export async function relayTo(t: Test, url: URL, defaultPort: number): Promise<Relay> {
  const connections = new Set<net.Socket>()
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(url.port || defaultPort), url.hostname)
    for (const socket of [client, upstream]) {
      connections.add(socket)
      socket.on('error', () => {})
      socket.on('close', () => {
        connections.delete(socket)
        for (const end of [client, upstream]) end.destroy()
      })
    }
    client.pipe(upstream).pipe(client)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  // Closing a server already closed (cut) reports an error to the callback, which is nothing here.
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return {
    port: (server.address() as net.AddressInfo).port,
    cut() {
      server.close()
      for (const socket of connections) socket.destroy()
    },
  }
}
