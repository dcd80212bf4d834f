"""Session values as a given Django writes them, and what it reads from ours, for the
DJANGO_VERSION tests: run with Debian's Django 3.2 or the 5.2 venv's python.

argv: encode | decode; stdin: JSON {"secret_key", "fallbacks", "hashing", "items": [...]}.
encode: each item a dict -> [db session_data, signed_cookies value]; decode: each item a
session_data string -> the dict Django's SessionStore.decode() gives."""
import json
import sys

import django
from django.conf import settings

request = json.load(sys.stdin)
options = dict(SECRET_KEY=request['secret_key'], USE_TZ=True, INSTALLED_APPS=['django.contrib.sessions'])
if django.VERSION >= (4, 1):
    options['SECRET_KEY_FALLBACKS'] = request.get('fallbacks', [])
if django.VERSION < (4, 0) and request.get('hashing'):
    options['DEFAULT_HASHING_ALGORITHM'] = request['hashing']
settings.configure(**options)
django.setup()

from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core import signing  # noqa: E402

out = []
if sys.argv[1] == 'encode':
    for data in request['items']:
        out.append([SessionStore().encode(data), signing.dumps(data, salt='django.contrib.sessions.backends.signed_cookies', compress=True)])
else:
    for text in request['items']:
        out.append(SessionStore().decode(text))
print(json.dumps({'django': django.get_version(), 'values': out}))
