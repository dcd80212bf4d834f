"""Fills a Django project's session store with N sessions encoded by Django itself (bench:scale).

    python fill_django_sessions.py N SECRET_KEY sqlite PATH
    python fill_django_sessions.py N SECRET_KEY postgresql URL
    python fill_django_sessions.py N SECRET_KEY mysql URL
    python fill_django_sessions.py N SECRET_KEY redis URL

db: `migrate` creates django_session (with Django's indexes), then bulk_create of rows whose
session_data is SessionStore().encode(data); redis: Django's RedisCache set_many of the dicts
under the cache engine's keys, with their TTLs. Session i holds {"user": "user<i>", ...}; the
session N//3 also holds "needle-in-the-store". Prints one JSON line: the keys of a few rows.
"""
import datetime
import json
import random
import sys
from urllib.parse import urlparse

n, secret, kind, target = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]

import django
from django.conf import settings

databases = {'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': ':memory:'}}
caches = {'default': {'BACKEND': 'django.core.cache.backends.locmem.LocMemCache'}}
if kind == 'sqlite':
    databases = {'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': target}}
elif kind == 'postgresql':
    u = urlparse(target)
    databases = {'default': {'ENGINE': 'django.db.backends.postgresql', 'NAME': u.path.lstrip('/'), 'USER': u.username, 'PASSWORD': u.password, 'HOST': u.hostname, 'PORT': u.port}}
elif kind == 'mysql':
    import pymysql
    pymysql.install_as_MySQLdb()
    u = urlparse(target)
    databases = {'default': {'ENGINE': 'django.db.backends.mysql', 'NAME': u.path.lstrip('/'), 'USER': u.username, 'PASSWORD': u.password, 'HOST': u.hostname, 'PORT': u.port}}
elif kind == 'redis':
    caches = {'default': {'BACKEND': 'django.core.cache.backends.redis.RedisCache', 'LOCATION': target}}
settings.configure(SECRET_KEY=secret, USE_TZ=True, INSTALLED_APPS=['django.contrib.sessions'], DATABASES=databases, CACHES=caches,
                   SESSION_SERIALIZER='django.contrib.sessions.serializers.JSONSerializer')
django.setup()

from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

rng = random.Random(25)
chars = 'abcdefghijklmnopqrstuvwxyz0123456789'
now = timezone.now()
encoder = SessionStore()


def session(i):
    data = {'_auth_user_id': str(i), 'user': 'user%d' % i, 'cart': [i % 7, i % 11], 'theme': 'dark' if i % 2 else 'light'}
    if i == n // 3:
        data['note'] = 'needle-in-the-store'
    key = ''.join(rng.choice(chars) for _ in range(32))
    # From two weeks ago to two weeks ahead: a store that clearsessions has not cleaned.
    age = rng.randint(-14 * 86400, 14 * 86400)
    return key, data, age


batch = 10_000
keys = []
if kind in ('sqlite', 'postgresql', 'mysql'):
    from django.core.management import call_command
    call_command('migrate', 'sessions', verbosity=0)
    from django.contrib.sessions.models import Session
    for start in range(0, n, batch):
        rows = []
        for i in range(start, min(n, start + batch)):
            key, data, age = session(i)
            rows.append(Session(session_key=key, session_data=encoder.encode(data), expire_date=now + datetime.timedelta(seconds=age)))
            if i in (0, n // 3, n // 2, n - 1):
                keys.append(key)
        Session.objects.bulk_create(rows, batch_size=batch)
else:
    from django.core.cache import caches as cache_handler
    from django.contrib.sessions.backends.cache import KEY_PREFIX
    cache = cache_handler['default']
    # A cache holds no expired entry: every session gets a positive TTL (the age, either way, plus a minute).
    for start in range(0, n, batch):
        by_ttl = {}
        for i in range(start, min(n, start + batch)):
            key, data, age = session(i)
            ttl = abs(age) + 60
            by_ttl.setdefault(ttl // 3600, {})[KEY_PREFIX + key] = (data, ttl)
            if i in (0, n // 3, n // 2, n - 1):
                keys.append(key)
        for group in by_ttl.values():
            ttl = max(t for _, t in group.values())
            cache.set_many({k: d for k, (d, _) in group.items()}, timeout=ttl)
print(json.dumps({'keys': keys}))
