// The header row of a grid (role="grid"): one column header per name.
export function GridHead({ columns }: { columns: readonly string[] }) {
  return (
    <div className="grid-row grid-head" role="row" aria-rowindex={1}>
      {columns.map((c) => (
        <div key={c} role="columnheader" className="grid-cell">
          {c}
        </div>
      ))}
    </div>
  )
}
