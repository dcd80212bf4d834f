// The API contract suite against the service itself: inspector.api and inspector.subscribe.
import { describeApi } from './contract'
import { direct } from './support'

describeApi('direct', direct)
