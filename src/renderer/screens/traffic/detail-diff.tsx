// The session before and after a request, key by key: added, removed and changed keys
// highlighted, keys sorted, nested values as indented JSON.
import { useState } from 'react'
import type { SessionSnapshot } from '../../../shared/api'
import { plural } from '../../lib/format'
import { diffSessions, showJson, type DiffKind } from '../../lib/session-diff'
import { SessionKeyLink } from './detail-summary'

const MARK: Record<DiffKind, string> = { added: '+', removed: '−', changed: '~', same: '' }

function Value({ value, present }: { value: unknown; present: boolean }) {
  if (!present) return <span className="faint">—</span>
  const text = showJson(value as never)
  return text.includes('\n') ? <pre className="diff-json">{text}</pre> : <span className="mono">{text}</span>
}

function snapshotWords(s: SessionSnapshot | null, when: 'before' | 'after'): string {
  if (!s) return when === 'before' ? 'no session cookie' : 'no session (none kept, or the cookie was deleted)'
  return Object.keys(s.data).length === 0 ? 'empty' : plural(Object.keys(s.data).length, 'key')
}

export function DetailDiff({ before, after }: { before: SessionSnapshot | null; after: SessionSnapshot | null }) {
  const [hideSame, setHideSame] = useState(false)
  const diff = diffSessions(before?.data ?? null, after?.data ?? null)
  const rows = hideSame ? diff.rows.filter((r) => r.kind !== 'same') : diff.rows
  const { added, removed, changed, same } = diff.counts
  return (
    <div className="diff">
      <div className="diff-keys">
        <div>
          <span className="diff-side">Before</span> <SessionKeyLink sessionKey={before?.key ?? null} />{' '}
          <span className="muted">({snapshotWords(before, 'before')})</span>
        </div>
        <div>
          <span className="diff-side">After</span> <SessionKeyLink sessionKey={after?.key ?? null} />{' '}
          <span className="muted">({snapshotWords(after, 'after')})</span>
        </div>
      </div>
      <div className="diff-bar">
        <span className="diff-counts" data-testid="diff-counts">
          <span className="diff-count-added">{added} added</span>, <span className="diff-count-removed">{removed} removed</span>,{' '}
          <span className="diff-count-changed">{changed} changed</span>, {same} unchanged
        </span>
        <label className="checkbox">
          <input type="checkbox" checked={hideSame} onChange={(e) => setHideSame(e.target.checked)} />
          Hide unchanged
        </label>
      </div>
      {diff.rows.length === 0 ? (
        <div className="inline-note">The session held no data before or after this request.</div>
      ) : (
        <table className="data-table diff-table" aria-label="Session diff">
          <thead>
            <tr>
              <th scope="col" className="diff-mark-col">
                <span className="sr-only">Change</span>
              </th>
              <th scope="col">Key</th>
              <th scope="col">Before</th>
              <th scope="col">After</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key} className={`diff-${r.kind}`} data-change={r.kind}>
                <td className="diff-mark" aria-label={r.kind}>
                  {MARK[r.kind]}
                </td>
                <th scope="row" className="mono diff-key">
                  {r.key}
                </th>
                <td className="diff-before">
                  <Value value={r.before} present={'before' in r} />
                </td>
                <td className="diff-after">
                  <Value value={r.after} present={'after' in r} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  )
}
