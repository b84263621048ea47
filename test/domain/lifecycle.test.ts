import t from 'tap'
import { isStatusOfCategory, nextStatuses, statusLabels, transitionRule } from '../../src/domain/lifecycle.js'

const canTransition = (...args: Parameters<typeof transitionRule>) => transitionRule(...args) === 'allowed'

t.test('services and projects have their own statuses', async (t) => {
  t.ok(isStatusOfCategory('kindergarten', 'operational'))
  t.notOk(isStatusOfCategory('kindergarten', 'in_service'))
  t.ok(isStatusOfCategory('expressway', 'under_construction'))
  t.notOk(isStatusOfCategory('expressway', 'operational'))
})

t.test('service transitions', async (t) => {
  t.ok(canTransition('hospital', 'planned', 'under_construction'))
  t.ok(canTransition('hospital', 'operational', 'temporarily_closed'))
  t.ok(canTransition('hospital', 'temporarily_closed', 'operational'))
  t.notOk(canTransition('hospital', 'permanently_closed', 'operational'))
  t.notOk(canTransition('hospital', 'operational', 'planned'))
  t.notOk(canTransition('hospital', 'operational', 'in_service'), 'a project status is not a service transition')
})

t.test('project transitions', async (t) => {
  t.ok(canTransition('road', 'under_construction', 'suspended'))
  t.ok(canTransition('road', 'suspended', 'under_construction'))
  t.ok(canTransition('road', 'completed', 'in_service'))
  t.ok(canTransition('metro', 'planned', 'cancelled'))
  t.notOk(canTransition('metro', 'cancelled', 'planned'), 'nothing follows cancelled')
  t.notOk(canTransition('metro', 'in_service', 'cancelled'))
})

t.test('who may make a transition', async (t) => {
  t.equal(transitionRule('kindergarten', 'operational', 'temporarily_closed'), 'allowed')
  t.equal(transitionRule('kindergarten', 'permanently_closed', 'operational'), 'admin_only', 'reopening is for admins')
  t.equal(transitionRule('kindergarten', 'permanently_closed', 'planned'), 'forbidden')
  t.equal(transitionRule('road', 'cancelled', 'under_construction'), 'forbidden', 'nothing follows cancelled, not even for admins')
  t.same(nextStatuses('road', 'suspended'), ['under_construction', 'cancelled'])
  t.same(nextStatuses('road', 'in_service'), [])
})

t.test('launched: a project has started, preparation or construction not reported', async (t) => {
  t.ok(isStatusOfCategory('intercity_rail', 'launched'))
  t.notOk(isStatusOfCategory('market', 'launched'), 'services do not have it')
  t.ok(canTransition('intercity_rail', 'planned', 'launched'))
  t.ok(canTransition('intercity_rail', 'launched', 'in_preparation'), 'learning it is in preparation')
  t.ok(canTransition('intercity_rail', 'in_preparation', 'launched'))
  t.ok(canTransition('intercity_rail', 'launched', 'under_construction'))
  t.ok(canTransition('intercity_rail', 'launched', 'suspended'))
  t.notOk(canTransition('intercity_rail', 'under_construction', 'launched'), 'construction is not undone by a vaguer report')
  t.same(statusLabels.launched, { zh: '已启动', en: 'Launched' })
})
