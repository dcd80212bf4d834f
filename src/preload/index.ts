// The preload of the sandboxed window: exposes the API bridge, and nothing else, to the page.
import { contextBridge, ipcRenderer } from 'electron'
import { BRIDGE_KEY } from '../shared/bridge'
import { buildBridge } from './build-bridge'

contextBridge.exposeInMainWorld(BRIDGE_KEY, buildBridge(ipcRenderer))
