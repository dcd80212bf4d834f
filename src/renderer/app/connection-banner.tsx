// Says so, visibly, when live updates have stopped and the client is reconnecting.
import { useAppState } from './app-state'
import { IconAlert } from '../components/icons'
import { Spinner } from '../components/spinner'

export function ConnectionBanner() {
  const { connection } = useAppState()
  if (connection.state !== 'reconnecting') return null
  const seconds = Math.max(1, Math.round(connection.retryInMs / 1000))
  return (
    <div className="banner banner-danger" role="alert">
      <IconAlert />
      <strong>Disconnected — reconnecting</strong>
      <span className="banner-detail">
        Live updates stopped ({connection.error}); attempt {connection.attempt}, next in {seconds} s. What you see may be
        out of date.
      </span>
      <Spinner />
    </div>
  )
}
