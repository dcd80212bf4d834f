// The real servers a test file uses, each started on first use and stopped when the file ends.
// Kept apart from the server modules, which bench/faults.ts also starts outside vitest.
import { lazyServer } from './lazy-server'
import { startMariadb, type MariadbServer } from './mariadb-server'
import { startMemcached, type MemcachedServer } from './memcached-server'
import { startPostgres, type PostgresServer } from './postgres-server'

export const usePostgres = (): (() => Promise<PostgresServer>) => lazyServer(startPostgres)
export const useMariadb = (): (() => Promise<MariadbServer>) => lazyServer(startMariadb)
/** `options` can turn memcached's LRU crawler off, to test a memcached that cannot list its keys. */
export const useMemcached = (options: string[] = []): (() => Promise<MemcachedServer>) => lazyServer(() => startMemcached(options))
