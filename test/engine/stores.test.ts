import { VARIANTS } from './helpers'
import { describeSessionStore } from './store-contract'

for (const variant of VARIANTS) describeSessionStore(variant)
