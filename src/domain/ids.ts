// Ids as they appear in URLs, cursors and commands.

/** A UUID, in either case (the pattern route schemas and cursors check ids with). */
export const uuidPattern = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'

export const isUuid = (value: string) => new RegExp(uuidPattern).test(value)
