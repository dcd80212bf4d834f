// Simulates every client closing its browser: browser-session cookies are discarded.
import { useClient } from '../app/client-context'
import { AsyncButton } from '../components/async-button'
import { IconPower } from '../components/icons'
import { useToast } from '../components/toast'
import { describeCloseAll } from '../../shared/browser-close'

export function CloseBrowserButton() {
  const client = useClient()
  const toast = useToast()
  const close = async () => {
    toast.show('success', describeCloseAll(await client.closeBrowser({})))
  }
  return (
    <AsyncButton size="small" onClick={close} title="Simulate every client closing its browser: its browser-session cookies are discarded">
      <IconPower />
      Close browser
    </AsyncButton>
  )
}
