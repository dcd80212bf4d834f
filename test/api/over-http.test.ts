// The API contract suite through the control server on port 0: httpApi for calls, SSE for events.
import { describeApi } from './contract'
import { overHttp } from './support'

describeApi('over HTTP', overHttp)
