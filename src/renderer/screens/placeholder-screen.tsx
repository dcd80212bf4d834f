// A screen that is not built yet: says what it will show.
import { EmptyState } from '../components/empty-state'

export function PlaceholderScreen({ title, description }: { title: string; description: string }) {
  return (
    <section className="screen" aria-labelledby="placeholder-title">
      <div className="screen-toolbar">
        <h1 id="placeholder-title" className="screen-title">{title}</h1>
      </div>
      <EmptyState title={`${title} is coming soon`}>{description}</EmptyState>
    </section>
  )
}
