// Closing a serving app (SIGTERM in production): the request in flight is answered, and its
// kept-alive connection is then closed, not held open by Node until its keep-alive timeout (5 s by
// default, and the process's exit with it). Here that timeout is switched off, so a connection
// left open would stay open for good: the test gives it 10 s (the close takes milliseconds), then
// says so and lets the close end.
import type { AddressInfo } from 'node:net'
import net from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { build, forOneDatabase } from '../helper.js'

// What is tested is Node's and Fastify's handling of connections: one engine is enough.
forOneDatabase(t, 'closing answers the request in flight, then closes its kept-alive connection', async (t, engine) => {
  const app = await build(t, engine)
  await app.listen({ port: 0, host: '127.0.0.1' })
  app.server.keepAliveTimeout = 0
  const socket = net.connect((app.server.address() as AddressInfo).port, '127.0.0.1')
  let answer = ''
  socket.on('data', (chunk: Buffer) => {
    answer += chunk.toString()
  })
  const socketClosed = new Promise<'closed'>((resolve) => socket.on('close', () => resolve('closed')))
  const requestStarted = new Promise((resolve) => app.server.once('request', resolve))

  // The body comes in two parts: the request is in flight, its handler not yet run, when closing begins.
  socket.write(
    'POST /v1/suggestions HTTP/1.1\r\nHost: linli.test\r\nConnection: keep-alive\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{',
  )
  await requestStarted
  const closed = app.close()
  socket.write('}')
  const outcome = await Promise.race([socketClosed, sleep(10_000, 'still open', { ref: false })])
  t.equal(outcome, 'closed', 'the server closed the connection once its response had ended')
  socket.destroy()
  await closed
  t.match(answer, /^HTTP\/1\.1 400 /, 'the request in flight was answered')
  t.match(answer, /content-type: application\/problem\+json/i, 'in the one problem shape')
})
