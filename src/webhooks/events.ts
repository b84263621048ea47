// What a subscriber receives: the event types and the body of each delivery (Standard Webhooks:
// `type`, `timestamp`, `data`), as schemas the OpenAPI document publishes under `webhooks`.
import { Type, type Static } from 'typebox'
import { Category, Nullable, Status } from '../facilities/schemas.js'

export const webhookEventTypes = [
  'facility.created',
  'facility.updated',
  'facility.status_changed',
  'facility.deleted',
  'suggestion.accepted',
] as const
export type WebhookEventType = (typeof webhookEventTypes)[number]

export const WebhookEventTypeSchema = Type.Enum([...webhookEventTypes], {
  description:
    'facility.created, facility.updated (any field but the status), facility.status_changed, facility.deleted, ' +
    "suggestion.accepted (a resident's correction applied by an editor)",
})

const EventFacility = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    slug: Type.String(),
    category: Category,
    area: Type.String({ description: 'The id of its area (GET /v1/areas).' }),
    status: Status,
  },
  { description: 'The facility as it is once the change is made (a deleted one keeps its last values).' },
)

const EventChange = Type.Object(
  {
    id: Type.String({
      pattern: '^[0-9]+$',
      description: 'The change in the change feed: GET /v1/changes?after={id - 1} returns it with old and new values.',
    }),
    action: Type.Enum(['create', 'update', 'status_change', 'delete']),
    version: Type.Integer({ description: 'The facility version the change made (its ETag).' }),
    at: Type.String({ format: 'date-time', description: 'When it took effect.' }),
    reason: Nullable(Type.String()),
    fields: Type.Array(Type.String(), { description: 'The top-level fields of the facility document that changed.' }),
  },
  { additionalProperties: false },
)

const envelope = <T extends string>(type: T, data: Parameters<typeof Type.Object>[0], id: string, description: string) =>
  Type.Object(
    {
      type: Type.Literal(type),
      timestamp: Type.String({ format: 'date-time', description: 'When the event happened.' }),
      data: Type.Object(data, { additionalProperties: false }),
    },
    { $id: id, description, additionalProperties: false },
  )

const facilityEvent = <T extends string>(type: T, id: string, description: string, withStatus = false) =>
  envelope(
    type,
    {
      facility: EventFacility,
      change: EventChange,
      ...(withStatus ? { status: Type.Object({ from: Status, to: Status }, { additionalProperties: false }) } : {}),
    },
    id,
    description,
  )

export const FacilityCreatedEvent = facilityEvent('facility.created', 'FacilityCreatedEvent', 'A facility was added.')
export const FacilityUpdatedEvent = facilityEvent(
  'facility.updated',
  'FacilityUpdatedEvent',
  'Fields of a facility other than its status changed.',
)
export const FacilityStatusChangedEvent = facilityEvent(
  'facility.status_changed',
  'FacilityStatusChangedEvent',
  'A facility moved to another status (now, or at the moment a scheduled change came due).',
  true,
)
export const FacilityDeletedEvent = facilityEvent('facility.deleted', 'FacilityDeletedEvent', 'A facility was deleted.')
export const SuggestionAcceptedEvent = envelope(
  'suggestion.accepted',
  {
    facility: EventFacility,
    suggestion: Type.Object(
      {
        id: Type.String({ format: 'uuid' }),
        facilityVersion: Type.Integer({ description: 'The facility version once the suggestion was applied.' }),
      },
      { additionalProperties: false },
    ),
  },
  'SuggestionAcceptedEvent',
  "A resident's suggestion was accepted; its changes come as facility.updated / facility.status_changed events before it.",
)

/** Each event type's body, for the OpenAPI document's `webhooks`. */
export const webhookPayloads = {
  'facility.created': FacilityCreatedEvent,
  'facility.updated': FacilityUpdatedEvent,
  'facility.status_changed': FacilityStatusChangedEvent,
  'facility.deleted': FacilityDeletedEvent,
  'suggestion.accepted': SuggestionAcceptedEvent,
} satisfies Record<WebhookEventType, unknown>

export type WebhookPayload = Static<(typeof webhookPayloads)[WebhookEventType]>
