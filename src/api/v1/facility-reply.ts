// One facility in full as the answer — to GET /v1/facilities/{id} and to every write: read the
// one way full records are read, presented in the asked language and coordinates, its ETag naming
// its version (so the answer to one write is ready to base the next on).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ProblemError } from '../../http/problems.js'
import { presentFacility } from '../../facilities/presenter.js'
import type { Facility } from '../../facilities/schemas.js'
import type { Crs } from '../../domain/geo.js'
import { negotiateLanguage, setLanguage } from '../../http/language.js'

export async function presentedFacility(
  fastify: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  id: string,
  crs: Crs = 'wgs84',
): Promise<Facility> {
  const row = await fastify.facilities.byId(id.toLowerCase())
  if (row === undefined) throw new ProblemError('not_found', `There is no facility with id ${id}`)
  const language = negotiateLanguage(request.headers['accept-language'])
  setLanguage(reply, language)
  reply.facilityVersion = row.version
  return presentFacility(row, { language, crs, now: fastify.clock() })
}
