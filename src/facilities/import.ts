// Bulk import for staff who keep lists in spreadsheets: CSV or NDJSON rows, read as a stream (a
// 10,000-row file is never held whole), matched on the facility's id (a CSV exported by the
// search has it) or else on the data owner's external id. A row for an unknown external id creates
// a facility; one for a known facility is merged into it like a PATCH, so importing the same file
// twice — or a file the search exported — changes nothing. Every row goes through the same validation and
// change log as a single write, each in a savepoint: a bad row is rolled back alone and reported,
// or (atomic) rolls back the whole import.
import { createInterface } from 'node:readline'
import { type Readable, Transform } from 'node:stream'
import { parse as parseCsv } from 'csv-parse'
import mergePatch from 'json-merge-patch'
import { ProblemError, type ProblemFieldError } from '../http/problems.js'
import type { Prisma, PrismaClient } from '../generated/prisma/client.js'
import { isUuid } from '../domain/ids.js'
import { CsvRowError as RowError, csvColumns, exportOnlyCsvColumns, legacyCsvColumns, patchOfCsvRow, requiredCsvColumns } from './csv.js'
import type { FacilityDocument } from './document.js'
import { readReferences, type References } from './validation.js'
import { createIn, updateIn, type Actor } from './writes.js'

export type ImportFormat = 'csv' | 'ndjson'

/** A row of the file: the facility it names by id (CSV only), its merge patch, or why it is neither. */
interface ImportItem {
  row: number
  id?: string
  patch?: Record<string, unknown>
  error?: RowError
}

export interface ImportOptions {
  format: ImportFormat
  dryRun: boolean
  /** All or nothing: one rejected row rolls back every row. */
  atomic: boolean
  actor: Actor
  now: Date
  authorize: (document: FacilityDocument) => void
  /** Bytes a file may have. */
  maxBytes: number
}

export type RowOutcome = 'created' | 'updated' | 'unchanged' | 'rejected'

export interface RowResult {
  /** 1-based: the line of an NDJSON file, the data row of a CSV (the header is row 0). */
  row: number
  externalId: string | null
  outcome: RowOutcome
  id?: string
  errors?: { field: string; message: string }[]
}

/** The refusal of a file above the size limit (also for a file read whole first, src/api/v1/imports.ts). */
export const importTooLarge = (maxBytes: number) =>
  new ProblemError('payload_too_large', `An import may have at most ${maxBytes} bytes; split the file`)

/** Fails the stream on bytes that are not UTF-8, and on files above the size limit. */
function checkedUtf8(maxBytes: number) {
  const decoder = new TextDecoder('utf-8', { fatal: true })
  let bytes = 0
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length
      if (bytes > maxBytes) {
        callback(importTooLarge(maxBytes))
        return
      }
      try {
        decoder.decode(chunk, { stream: true })
      } catch {
        callback(new ProblemError('validation_failed', 'The file is not UTF-8 text: save it as "CSV UTF-8" (or NDJSON in UTF-8)'))
        return
      }
      callback(null, chunk)
    },
  })
}

/** The rows of a file, each as a merge patch (or the error that kept it from being one). */
async function* rowsOf(body: Readable, format: ImportFormat, maxBytes: number): AsyncGenerator<ImportItem> {
  const text = body.pipe(checkedUtf8(maxBytes))
  body.on('error', (error) => text.destroy(error))
  if (format === 'ndjson') {
    let row = 0
    let rows = 0
    for await (const line of createInterface({ input: text, crlfDelay: Infinity })) {
      row += 1
      if (line.trim() === '') continue
      rows += 1
      try {
        const value: unknown = JSON.parse(line)
        if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object')
        yield { row, patch: value as Record<string, unknown> }
      } catch (error) {
        yield { row, error: new RowError([{ field: '/', message: `not a JSON object (${(error as Error).message})` }]) }
      }
    }
    if (rows === 0) throw emptyFile('The file holds no rows: one FacilityInput merge patch (a JSON object) per line')
    return
  }
  let header = false
  const parser = text.pipe(
    parseCsv({
      bom: true,
      columns: (names: string[]) => {
        header = true
        return checkHeader(names)
      },
      skip_empty_lines: true,
      relax_column_count: false,
    }),
  )
  text.on('error', (error) => parser.destroy(error))
  let row = 0
  try {
    for await (const cells of parser as AsyncIterable<Record<string, string>>) {
      row += 1
      try {
        yield { row, ...patchOfCsvRow(cells) }
      } catch (error) {
        if (!(error instanceof RowError)) throw error
        yield { row, error }
      }
    }
  } catch (error) {
    if (error instanceof ProblemError) throw error
    throw new ProblemError('validation_failed', `The CSV cannot be read after row ${row}: ${(error as Error).message}`)
  }
  if (!header) {
    throw emptyFile(
      `The file is empty: a CSV starts with a header row naming its columns (external_id, ${requiredCsvColumns.join(', ')} …)`,
    )
  }
}

const emptyFile = (detail: string) => new ProblemError('validation_failed', detail, [{ in: 'body', name: '/', message: detail }])

/** Every column a CSV may have: the import's, and the ones an export adds for people (skipped). */
const knownColumns: readonly string[] = [...csvColumns, ...exportOnlyCsvColumns, ...legacyCsvColumns]

function checkHeader(header: string[]): string[] {
  const columns = header.map((name) => name.trim().toLowerCase())
  const missing: string[] = requiredCsvColumns.filter((column) => !columns.includes(column))
  if (!columns.includes('id') && !columns.includes('external_id')) missing.unshift('external_id (or id)')
  const unknown = columns.filter((column) => !knownColumns.includes(column))
  const duplicated = columns.filter((column, index) => columns.indexOf(column) !== index)
  if (missing.length > 0 || unknown.length > 0 || duplicated.length > 0) {
    throw new ProblemError(
      'validation_failed',
      `${[
        missing.length > 0 ? `missing column(s): ${missing.join(', ')}` : '',
        unknown.length > 0 ? `unknown column(s): ${unknown.join(', ')}` : '',
        duplicated.length > 0 ? `column(s) twice: ${duplicated.join(', ')}` : '',
      ]
        .filter((part) => part !== '')
        .join('; ')}. The columns are: ${csvColumns.join(', ')} (${requiredCsvColumns.join(', ')} and id or external_id required).`,
    )
  }
  return columns
}

/** A slug for a facility first seen in an import without one: from its external id. */
const slugOf = (externalId: string) =>
  `ext-${externalId
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')}`.slice(0, 100)

const errorsOf = (error: unknown): RowResult['errors'] => {
  if (error instanceof RowError) return error.errors
  if (error instanceof ProblemError) {
    return error.errors?.length
      ? error.errors.map((e: ProblemFieldError) => ({ field: e.name, message: e.message }))
      : [{ field: '/', message: error.message }]
  }
  throw error
}

/** One row, inside the caller's transaction; a rejected row is rolled back to its savepoint. */
async function importRow(
  tx: Prisma.TransactionClient,
  item: ImportItem,
  seen: Map<string, number>,
  options: ImportOptions & { references: References },
): Promise<RowResult> {
  const externalId = typeof item.patch?.externalId === 'string' ? item.patch.externalId : null
  const result = (outcome: RowOutcome, extra: Partial<RowResult> = {}): RowResult => ({ row: item.row, externalId, outcome, ...extra })
  if (item.error !== undefined) return result('rejected', { errors: item.error.errors })
  if (item.id !== undefined && !isUuid(item.id))
    return result('rejected', { errors: [{ field: '/id', message: 'is not a facility id (a UUID)' }] })
  const match = item.id ?? externalId
  if (match === null)
    return result('rejected', { errors: [{ field: '/externalId', message: 'is required: imports match facilities on it (or on id)' }] })
  const earlier = seen.get(match)
  if (earlier !== undefined) {
    return result('rejected', { errors: [{ field: item.id === undefined ? '/externalId' : '/id', message: `is also on row ${earlier}` }] })
  }
  seen.set(match, item.row)

  await tx.$executeRawUnsafe('SAVEPOINT import_row')
  try {
    const existing = await tx.facility.findUnique({
      where: item.id === undefined ? { externalId: match } : { id: item.id },
      select: { id: true, deletedAt: true },
    })
    const write = { actor: options.actor, now: options.now, authorize: options.authorize, references: options.references, reason: 'import' }
    let outcome: RowResult
    if (existing === null && item.id !== undefined) {
      throw new RowError([{ field: '/id', message: 'names no facility: leave it empty to add one' }])
    } else if (existing === null) {
      const document = { slug: slugOf(match), ...item.patch } as FacilityDocument
      const facility = await createIn(tx, document, write)
      outcome = result('created', { id: facility.id })
    } else if (existing.deletedAt !== null) {
      throw new RowError([{ field: item.id === undefined ? '/externalId' : '/id', message: 'belongs to a deleted facility' }])
    } else {
      const { changed } = await updateIn(tx, existing.id, (current) => mergePatch.apply(structuredClone(current), item.patch), {
        ...write,
        ifMatch: 'any',
      })
      outcome = result(changed ? 'updated' : 'unchanged', { id: existing.id })
    }
    await tx.$executeRawUnsafe('RELEASE SAVEPOINT import_row')
    return outcome
  } catch (error) {
    await tx.$executeRawUnsafe('ROLLBACK TO SAVEPOINT import_row')
    return result('rejected', { errors: errorsOf(error) })
  }
}

/** A 10,000-row file takes minutes on a busy machine; the import is one transaction all the same. */
const importTransaction = { maxWait: 10_000, timeout: 15 * 60_000 }

/** Thrown to roll back a transaction whose writes must not stay (a dry run, a failed atomic import). */
class Rollback extends Error {}

/**
 * One transaction for the whole file: a file that turns out unreadable halfway (bad encoding, a
 * broken CSV) leaves nothing behind, and a dry run sees exactly what a real import would do.
 */
export async function importFacilities(prisma: PrismaClient, body: Readable, options: ImportOptions) {
  const results: RowResult[] = []
  const seen = new Map<string, number>()
  const references = await readReferences(prisma)
  try {
    await prisma.$transaction(async (tx) => {
      for await (const item of rowsOf(body, options.format, options.maxBytes))
        results.push(await importRow(tx, item, seen, { ...options, references }))
      if (options.dryRun || (options.atomic && results.some((r) => r.outcome === 'rejected'))) throw new Rollback()
    }, importTransaction)
  } catch (error) {
    if (!(error instanceof Rollback)) throw error
  }
  const count = (outcome: RowOutcome) => results.filter((r) => r.outcome === outcome).length
  const rejected = count('rejected')
  const committed = !options.dryRun && !(options.atomic && rejected > 0)
  return {
    dryRun: options.dryRun,
    atomic: options.atomic,
    committed,
    summary: { rows: results.length, created: count('created'), updated: count('updated'), unchanged: count('unchanged'), rejected },
    // A facility created by what was rolled back (a dry run, a failed atomic import) does not exist: no id names it.
    rows: committed ? results : results.map(({ id, ...row }) => (row.outcome === 'created' ? row : { ...row, id })),
  }
}
