// Write bodies are refused (415) unless they come as a media type the route takes.
import type { FastifyRequest } from 'fastify'
import { ProblemError } from './problems.js'

export const mediaTypeOf = (request: FastifyRequest) => request.headers['content-type']?.split(';')[0]?.trim().toLowerCase()

export const requireMediaType =
  (...types: string[]) =>
  async (request: FastifyRequest) => {
    const given = mediaTypeOf(request)
    if (given === undefined || !types.includes(given)) {
      throw new ProblemError(
        'unsupported_media_type',
        `Send the body as ${types.join(' or ')}${given === undefined ? '' : `, not ${given}`}`,
      )
    }
  }
