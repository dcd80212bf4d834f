// The toolbar's search field: a magnifier and a search input, the same on every screen.
import { IconSearch } from './icons'

export interface SearchBoxProps {
  label: string
  placeholder: string
  value: string
  onChange(value: string): void
  narrow?: boolean
}

export function SearchBox({ label, placeholder, value, onChange, narrow = false }: SearchBoxProps) {
  return (
    <div className="search">
      <IconSearch />
      <input
        type="search"
        className={`input search-input${narrow ? ' search-input-narrow' : ''}`}
        placeholder={placeholder}
        aria-label={label}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  )
}
