// On PostgreSQL the only WebAssembly in the server is Prisma's query compiler, which runs for
// writes and a few small reads. V8 compiles its hot functions a second time with its optimizing
// compiler on background threads, and the memory that compiling takes stays with the process:
// 30–40 MB of its resident size for no speed a request shows (bench/README.md). So with
// DATABASE_URL the server runs WebAssembly on V8's baseline compiler only. The embedded database
// is PostgreSQL itself compiled to WebAssembly: there the optimizing compiler makes facets and
// fuzzy searches 15–25% faster, and it keeps it.
//
// Imported first by server.ts: a V8 flag only holds for WebAssembly compiled after it is set.
import v8 from 'node:v8'

if ((process.env.DATABASE_URL ?? '') !== '') v8.setFlagsFromString('--liftoff-only')
