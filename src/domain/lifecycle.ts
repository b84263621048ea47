// The status lifecycle, in one place. Services and projects follow different lifecycles; which
// one applies is decided by the facility's category (categories.ts).
//
// Services:  planned → under_construction → operational ⇄ temporarily_closed → permanently_closed
// Projects:  planned → in_preparation ⇄ launched → under_construction ⇄ suspended → completed →
//            in_service; any status before in_service → cancelled
//
// The project stages are those of infrastructure standards (OC4IDS, IATI): identification
// (planned), preparation (in_preparation, 前期工作), implementation (under_construction), completion
// (completed), operation (in_service); suspended; cancelled. `launched` (已启动) is what Chinese
// reports say of a project that has started, without saying whether it is still in preparation
// or being built: a directory that knows no more must not claim construction. So launched and
// in_preparation go both ways: a report of 启动 may come before or after one of 前期工作.
//
// Skipping forward (planned → operational) is allowed: a directory often learns of a facility
// only once it has opened. Going back is not, except where the arrows above go both ways, and
// permanently_closed → operational, which only an admin may do (correcting a mistaken closure).
// Nothing follows cancelled or in_service.
import type { FacilityCategory, FacilityStatus } from '../generated/prisma/enums.js'
import { kindOfCategory, type FacilityKind } from './categories.js'

export const statusesOfKind: Record<FacilityKind, readonly FacilityStatus[]> = {
  service: ['planned', 'under_construction', 'operational', 'temporarily_closed', 'permanently_closed'],
  project: ['planned', 'in_preparation', 'launched', 'under_construction', 'suspended', 'completed', 'in_service', 'cancelled'],
}

const transitions: Record<FacilityKind, Partial<Record<FacilityStatus, readonly FacilityStatus[]>>> = {
  service: {
    planned: ['under_construction', 'operational', 'permanently_closed'],
    under_construction: ['operational', 'permanently_closed'],
    operational: ['temporarily_closed', 'permanently_closed'],
    temporarily_closed: ['operational', 'permanently_closed'],
    permanently_closed: [],
  },
  project: {
    planned: ['in_preparation', 'launched', 'under_construction', 'completed', 'in_service', 'cancelled'],
    in_preparation: ['launched', 'under_construction', 'completed', 'in_service', 'cancelled'],
    launched: ['in_preparation', 'under_construction', 'suspended', 'completed', 'in_service', 'cancelled'],
    under_construction: ['suspended', 'completed', 'in_service', 'cancelled'],
    suspended: ['under_construction', 'cancelled'],
    completed: ['in_service'],
    in_service: [],
    cancelled: [],
  },
}

const adminOnly: Record<FacilityKind, Partial<Record<FacilityStatus, readonly FacilityStatus[]>>> = {
  service: { permanently_closed: ['operational'] },
  project: {},
}

/** Statuses in which a facility serves the public: only then can its opening hours make it open. */
export const operatingStatuses: readonly FacilityStatus[] = ['operational', 'in_service']

export const isOperating = (status: FacilityStatus) => operatingStatuses.includes(status)

export type TransitionRule = 'allowed' | 'admin_only' | 'forbidden'

/** Whether a facility of this category may go from one status to another, and who may do it. */
export function transitionRule(category: FacilityCategory, from: FacilityStatus, to: FacilityStatus): TransitionRule {
  const kind = kindOfCategory[category]
  if (transitions[kind][from]?.includes(to)) return 'allowed'
  if (adminOnly[kind][from]?.includes(to)) return 'admin_only'
  return 'forbidden'
}

/** The statuses anyone allowed to edit may move a facility to next. */
export function nextStatuses(category: FacilityCategory, from: FacilityStatus): readonly FacilityStatus[] {
  return transitions[kindOfCategory[category]][from] ?? []
}

export function isStatusOfCategory(category: FacilityCategory, status: FacilityStatus): boolean {
  return statusesOfKind[kindOfCategory[category]].includes(status)
}

export const statusLabels: Record<FacilityStatus, { zh: string; en: string }> = {
  planned: { zh: '规划中', en: 'Planned' },
  in_preparation: { zh: '前期工作', en: 'In preparation' },
  launched: { zh: '已启动', en: 'Launched' },
  under_construction: { zh: '在建', en: 'Under construction' },
  suspended: { zh: '暂停', en: 'Suspended' },
  completed: { zh: '已建成', en: 'Completed' },
  in_service: { zh: '已投入使用', en: 'In service' },
  cancelled: { zh: '已取消', en: 'Cancelled' },
  operational: { zh: '运营中', en: 'Operational' },
  temporarily_closed: { zh: '暂停服务', en: 'Temporarily closed' },
  permanently_closed: { zh: '永久关闭', en: 'Permanently closed' },
}
