// The display name of a client by id, for tables that list requests or sessions: the one the
// API gives (ClientInfo.displayName), or the id's first characters while the client list has
// not arrived or no longer holds it.
import { shortClientId } from '../../shared/client-name'

export function clientNameFor(id: string | null, names: ReadonlyMap<string, string>): string | null {
  if (id === null) return null
  return names.get(id) ?? `client · ${shortClientId(id)}`
}
