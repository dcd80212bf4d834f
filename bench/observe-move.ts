// Observe mode moving a large django_session table (issue 18): N rows in a real SQLite file,
// an advance and the give-back through DbAppStore with its journal (batches of 2,000, each
// journaled then applied in its own transaction), while another thread saves sessions as
// Django would (an UPDATE every 5 ms) and records how long each save waited.
//   node --import tsx bench/observe-move.ts [--rows 1000000]
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { Worker } from 'node:worker_threads'
import Database from 'better-sqlite3'
import { Clock } from '../src/main/engine/clock'
import { DEFAULT_SETTINGS, type Settings } from '../src/shared/settings'
import { DbAppStore } from '../src/main/engine/observe/db-store'
import { Journal } from '../src/main/engine/observe/journal'
import { SqliteTable } from '../src/main/engine/observe/sqlite-table'

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' } } })
const rows = Number(values.rows)
const dir = mkdtempSync(join(tmpdir(), 'si-observe-move-'))
const path = join(dir, 'db.sqlite3')

const db = new Database(path)
db.pragma('journal_mode = WAL')
db.exec('CREATE TABLE "django_session" ("session_key" varchar(40) NOT NULL PRIMARY KEY, "session_data" text NOT NULL, "expire_date" datetime NOT NULL); CREATE INDEX "django_session_expire_date_a5c62663" ON "django_session" ("expire_date");')
const insert = db.prepare('INSERT INTO django_session VALUES (?, ?, ?)')
const base = Date.now()
db.transaction(() => {
  for (let i = 0; i < rows; i++) {
    const at = new Date(base + 3_600_000 + i * 1000).toISOString().replace('T', ' ').replace('Z', '')
    insert.run(`k${String(i).padStart(31, '0')}`, 'e30:x', `${at}123`)
  }
})()
db.close()

const writer = new Worker(
  `const { parentPort, workerData } = require('node:worker_threads')
   const D = require(${JSON.stringify(require.resolve('better-sqlite3'))})
   const d = new D(workerData.path); d.pragma('busy_timeout = 10000')
   const up = d.prepare("UPDATE django_session SET session_data = ? WHERE session_key = ?")
   let max = 0, n = 0, total = 0, stop = false
   parentPort.on('message', () => { stop = true })
   const tick = () => {
     if (stop) { parentPort.postMessage({ max, n, mean: total / Math.max(n, 1) }); d.close(); return }
     const t = performance.now(); up.run('e30:y' + n, 'k' + String(n % workerData.rows).padStart(31, '0')); const w = performance.now() - t
     max = Math.max(max, w); total += w; n++
     setTimeout(tick, 5)
   }
   tick()`,
  { eval: true, workerData: { path, rows } }
)

async function main(): Promise<void> {
  const journal = new Journal(join(dir, 'journal.sqlite3'))
  const settings = { ...DEFAULT_SETTINGS, SECRET_KEY: 'bench' } as Settings
  let last = 0
  const store = new DbAppStore(
    {
      settings: () => settings,
      clock: new Clock(),
      fallbackKeys: [],
      journal,
      progress: (p) => {
        if (p && p.done - last >= rows / 4) {
          last = p.done
          process.stderr.write(`  ${p.moving}: ${p.done} / ${p.total}\n`)
        }
      }
    },
    new SqliteTable(path)
  )
  await new Promise((r) => setTimeout(r, 200))
  let t = performance.now()
  await store.applyLag(86_400_000)
  const advance = (performance.now() - t) / 1000
  last = 0
  t = performance.now()
  const back = await store.giveBack()
  const giveBack = (performance.now() - t) / 1000
  writer.postMessage('stop')
  const saves = await new Promise<{ max: number; n: number; mean: number }>((r) => writer.once('message', r))
  await store.close()
  journal.close()
  console.log(`${rows.toLocaleString('en-US')} rows: advance ${advance.toFixed(1)} s, give-back ${giveBack.toFixed(1)} s (${back.restored} restored, ${back.left} left as written since);`)
  console.log(`  ${saves.n} concurrent saves: longest wait ${saves.max.toFixed(0)} ms, mean ${saves.mean.toFixed(1)} ms`)
  rmSync(dir, { recursive: true, force: true })
}

main().catch((e: unknown) => {
  console.error(e)
  process.exit(1)
})
