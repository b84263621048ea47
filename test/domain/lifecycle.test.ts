import t from 'tap'
import { canTransition, isStatusOfCategory } from '../../src/domain/lifecycle.js'

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
