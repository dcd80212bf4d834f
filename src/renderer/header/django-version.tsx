// Which Django the sessions follow: the engine's DJANGO_VERSION in drop-in mode (and where it
// came from: the app's middleware, the command line, the default), or, observing, the app's
// own Django as it was read from the project.
import { SETTING_SOURCE_LABELS, type Status } from '../../shared/api'
import { Badge } from '../components/badge'

export function DjangoVersion({ status }: { status: Status }) {
  const d = status.django
  if (!d) return null
  const observing = status.mode === 'observe-django'
  const text = observing ? `Django ${d.release ?? d.version}` : `Django ${d.version}`
  const title = observing
    ? `The app runs its own session middleware on Django ${d.release ?? d.version}${d.release ? '' : ' (its release was not read: use --django-project)'}`
    : `The engine behaves as Django ${d.version}: ${SETTING_SOURCE_LABELS[d.source]}${d.release ? `; the app runs Django ${d.release}` : ''}. Change it in Settings (DJANGO_VERSION) or with --django.`
  return (
    <Badge tone="info" title={title}>
      <span data-testid="django-version">{text}</span>
    </Badge>
  )
}
