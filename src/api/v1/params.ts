// Path parameters several routes share.
import { Type } from 'typebox'

export const uuidPattern = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'

/** `{id}` of a facility. */
export const FacilityParams = Type.Object({
  id: Type.String({
    pattern: uuidPattern,
    description: 'The facility id (UUID), as listed by the search.',
    examples: ['0b9f3c2e-6a1d-4f7e-9c35-2d8a4b6e1f70'],
  }),
})
