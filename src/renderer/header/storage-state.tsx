// The data folder in the header, when part of it cannot be written (disk full): what is not
// being kept, since when, in one line each, until writing works again.
import type { Status } from '../../shared/api'
import { formatDateTime, isoToMs } from '../lib/format'

export function StorageState({ status }: { status: Status }) {
  if (!status.storageProblems?.length) return null
  return (
    <>
      {status.storageProblems.map((p) => (
        <span key={p.area} className="upstream-error" role="alert" title={`${status.dataDir}: ${p.problem} since ${p.since}`} data-testid="storage-problem">
          {p.problem} since {formatDateTime(isoToMs(p.since) ?? NaN)}
        </span>
      ))}
    </>
  )
}
