import t from 'tap'
import { loadConfig } from '../src/config.js'

t.test('defaults', async (t) => {
  t.same(loadConfig({}), {
    PORT: 3000,
    HOST: '127.0.0.1',
    DATABASE_POOL_SIZE: 10,
    DATA_DIR: './data',
    LOG_LEVEL: 'info',
    SEED_ON_START: true,
  })
})

t.test('values from the environment', async (t) => {
  t.match(
    loadConfig({ PORT: '8080', DATABASE_URL: 'postgresql://db/linli', LOG_LEVEL: 'warn', SEED_ON_START: 'false' }),
    { PORT: 8080, DATABASE_URL: 'postgresql://db/linli', LOG_LEVEL: 'warn', SEED_ON_START: false },
  )
})

t.test('an empty variable counts as unset', async (t) => {
  t.equal(loadConfig({ DATABASE_URL: '' }).DATABASE_URL, undefined)
})

t.test('a bad value is refused with the variable named', async (t) => {
  t.throws(() => loadConfig({ PORT: 'eighty' }), /PORT/)
  t.throws(() => loadConfig({ PORT: '70000' }), /PORT/)
  t.throws(() => loadConfig({ DATABASE_URL: 'mysql://db/linli' }), /DATABASE_URL/)
  t.throws(() => loadConfig({ LOG_LEVEL: 'loud' }), /LOG_LEVEL/)
})
