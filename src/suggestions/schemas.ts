// The shapes of suggestions: what a resident may propose (some fields of FacilityInput, checked
// by the same rules as a staff write), what they see when they track it, and what an editor sees
// when moderating it. Contact details appear only in the editor's shapes.
import { Type, type Static } from 'typebox'
import { FacilityInput, Nullable } from '../facilities/schemas.js'

/** The fields a resident can know from outside, each validated as FacilityInput validates it. */
const input = FacilityInput.properties
export const Proposal = Type.Object(
  {
    status: Type.Optional(input.status),
    openingHours: Type.Optional(input.openingHours),
    capacity: Type.Optional(input.capacity),
    phone: Type.Optional(input.phone),
    website: Type.Optional(input.website),
    address: Type.Optional(input.address),
    accessibility: Type.Optional(input.accessibility),
    ageRange: Type.Optional(input.ageRange),
  },
  {
    $id: 'SuggestionProposal',
    additionalProperties: false,
    description:
      'New values for some fields of the facility, in the shape FacilityInput gives them. A status is applied as a status ' +
      'change (its lifecycle is checked when an editor accepts it); the other fields as an update.',
  },
)
export type Proposal = Static<typeof Proposal>

export const SuggestionInput = Type.Object(
  {
    facilityId: Type.String({ format: 'uuid', description: 'The facility the correction is about.' }),
    proposal: Type.Optional(Proposal),
    message: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: "What is wrong, in the resident's words." })),
    contact: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'A phone number or e-mail address, for the staff only: never shown in a public response, export, feed or log.',
      }),
    ),
  },
  {
    additionalProperties: false,
    description: 'A proposal, a message, or both.',
    examples: [{ facilityId: '0b9f3c2e-6a1d-4f7e-9c35-2d8a4b6e1f70', proposal: { openingHours: 'Mo-Fr 08:00-17:00' } }],
  },
)
export type SuggestionInput = Static<typeof SuggestionInput>

export const SuggestionState = Type.Enum(['pending', 'accepted', 'rejected'], {
  description: 'pending until an editor accepts (the change is applied) or rejects it.',
})

const Decision = Nullable(
  Type.Object({
    at: Type.String({ format: 'date-time' }),
    reason: Nullable(Type.String(), { description: "The editor's reason; public, shown to whoever tracks the suggestion." }),
  }),
)

export const SuggestionReceipt = Type.Object(
  {
    token: Type.String({ description: 'The tracking token: GET /v1/suggestions/{token}.', examples: ['sg_q1w2e3r4t5y6u7i8o9p0aa'] }),
    state: SuggestionState,
    folded: Type.Boolean({ description: 'True when the same suggestion was already waiting: it was counted, not stored twice.' }),
  },
  { $id: 'SuggestionReceipt' },
)

export const SuggestionTracking = Type.Object(
  {
    token: Type.String(),
    facilityId: Type.String({ format: 'uuid' }),
    state: SuggestionState,
    submittedAt: Type.String({ format: 'date-time' }),
    decision: Decision,
  },
  { $id: 'SuggestionTracking', additionalProperties: false, description: 'What became of a suggestion, for the resident who made it.' },
)

const suggestionCore = {
  id: Type.String({ format: 'uuid' }),
  facility: Type.Object({
    id: Type.String({ format: 'uuid' }),
    name: Type.String({ description: 'Its Chinese name.' }),
    category: Type.String(),
    area: Type.String(),
  }),
  state: SuggestionState,
  proposal: Type.Ref('SuggestionProposal'),
  message: Nullable(Type.String()),
  contact: Nullable(Type.String(), { description: 'For the staff only.' }),
  count: Type.Integer({ minimum: 1, description: 'How many times it was submitted (identical ones are folded into one).' }),
  submittedAt: Type.String({ format: 'date-time' }),
  lastSubmittedAt: Type.String({ format: 'date-time' }),
  decision: Nullable(
    Type.Object({
      at: Type.String({ format: 'date-time' }),
      reason: Nullable(Type.String()),
      by: Nullable(Type.Object({ id: Type.String({ format: 'uuid' }), name: Type.String() })),
    }),
  ),
}

export const SuggestionSummary = Type.Object(suggestionCore, { $id: 'SuggestionSummary', additionalProperties: false })

export const SuggestionReview = Type.Object(
  {
    ...suggestionCore,
    current: Type.Record(Type.String(), Type.Unknown(), {
      description: "The facility's current value of each proposed field (null where it has none), beside the proposal.",
    }),
    facilityVersion: Nullable(
      Type.Integer({ description: 'Send it as If-Match ("<version>") to accept; null when the facility is gone.' }),
    ),
  },
  {
    $id: 'SuggestionReview',
    additionalProperties: false,
    description: 'A suggestion for an editor: the proposal beside the current values.',
  },
)

export const SuggestionList = Type.Object({
  items: Type.Array(Type.Ref('SuggestionSummary')),
  next: Nullable(Type.String({ description: 'The URL of the next page; null on the last.' })),
})
