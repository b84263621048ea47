// The security requirement each route schema declares, for the OpenAPI document (src/http/openapi.ts).

/**
 * Who may call an operation, for its route schema's `security`. OpenAPI 3.1 lets a bearer
 * requirement name the roles it needs; a role includes the ones below it (admin ⊃ editor ⊃ reader).
 */
type SecurityRequirement = Record<string, string[]>
export const access = {
  /** No key is looked at (health probes). */
  none: [] as SecurityRequirement[],
  /** Anyone: a key may be sent but is not needed. */
  anyone: [{}, { apiKey: [] }] as SecurityRequirement[],
  /** A signed-in staff session (its cookie), on /staff. */
  staffSession: [{ staffSession: [] }] as SecurityRequirement[],
  role: (role: 'reader' | 'editor' | 'admin'): SecurityRequirement[] => [{ apiKey: [role] }],
}
