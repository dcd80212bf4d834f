// Simulates every client closing its browser: browser-session cookies are discarded.
import { useClient } from '../app/client-context'
import { AsyncButton } from '../components/async-button'
import { IconPower } from '../components/icons'
import { useToast } from '../components/toast'
import { plural } from '../lib/format'

export function CloseBrowserButton() {
  const client = useClient()
  const toast = useToast()
  const close = async () => {
    const { closed } = await client.closeBrowser({})
    toast.show('success', `Browser closed: ${closed === 0 ? 'no cookies' : plural(closed, 'cookie')} discarded`)
  }
  return (
    <AsyncButton size="small" onClick={close} title="Simulate every client closing its browser: its browser-session cookies are discarded">
      <IconPower />
      Close browser
    </AsyncButton>
  )
}
