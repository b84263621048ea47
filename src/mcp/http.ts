// MCP over streamable HTTP at /mcp, on the same service as the API. Stateless: each POST carries
// one JSON-RPC message and is answered by a fresh server as JSON, so any process behind a load
// balancer can answer any request and nothing is kept between them (no sessions, no SSE stream:
// GET and DELETE are 405). Rate-limited like every API route, by the caller's key or address; the
// directory reads a tool makes count against the same caller, as they would through the API.
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import type { FastifyPluginAsync } from 'fastify'
import { ProblemError } from '../http/problems.js'
import { injectReader } from './reader.js'
import { createMcpServer } from './tools.js'

const mcpRoutes: FastifyPluginAsync = async (fastify) => {
  fastify.post('/mcp', { schema: { hide: true } }, async (request, reply) => {
    const read = injectReader(fastify, { authorization: request.headers.authorization, remoteAddress: request.ip })
    const server = createMcpServer(read, { origin: `${request.protocol}://${request.host}` })
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true })
    // The transport writes the response itself; headers set so far (rate limits) go with it.
    reply.hijack()
    for (const [name, value] of Object.entries(reply.getHeaders())) {
      if (value !== undefined) reply.raw.setHeader(name, value)
    }
    reply.raw.on('close', () => {
      void transport.close()
      void server.close()
    })
    await server.connect(transport)
    await transport.handleRequest(request.raw, reply.raw, request.body)
  })

  const postOnly = async () => {
    throw new ProblemError('method_not_allowed', 'This MCP endpoint is stateless: send each JSON-RPC message as a POST')
  }
  fastify.get('/mcp', { schema: { hide: true } }, async (_request, reply) => {
    reply.header('allow', 'POST')
    return postOnly()
  })
  fastify.delete('/mcp', { schema: { hide: true } }, async (_request, reply) => {
    reply.header('allow', 'POST')
    return postOnly()
  })
}

export default mcpRoutes
