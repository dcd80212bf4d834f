"""Real Django on the other side of the engine's interop tests.

Usage: interop.py COMMAND [ARGS...]; settings from the environment:
SECRET_KEY, DB (SQLite file), FILES (session file dir). Prints JSON on stdout;
some commands read JSON on stdin.
"""
import json
import os
import sys
from datetime import timedelta

import django
from django.conf import settings

settings.configure(
    SECRET_KEY=os.environ['SECRET_KEY'],
    INSTALLED_APPS=['django.contrib.contenttypes', 'django.contrib.sessions'],
    DATABASES={'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': os.environ.get('DB', ':memory:')}},
    USE_TZ=True,
    SESSION_FILE_PATH=os.environ.get('FILES'),
)
django.setup()

from importlib import import_module  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.utils.http import http_date  # noqa: E402


def store(engine):
    return import_module('django.contrib.sessions.backends.' + engine).SessionStore


def main(cmd, *args):
    if cmd == 'migrate':
        from django.core.management import call_command
        call_command('migrate', 'sessions', verbosity=0)
        return {'ok': True}
    if cmd == 'save':  # save ENGINE JSON [EXPIRY_SECONDS]
        s = store(args[0])()
        s.update(json.loads(args[1]))
        if len(args) > 2:
            s.set_expiry(int(args[2]))
        s.save()
        return {'key': s.session_key}
    if cmd == 'load':  # load ENGINE KEY
        s = store(args[0])(args[1])
        return {'data': dict(s.items()), 'key': s.session_key}
    if cmd == 'set-cookie':  # set-cookie NAME VALUE MAX_AGE|'' EXPIRES_TS|'' DOMAIN|'' PATH SECURE HTTPONLY SAMESITE|''
        name, value, max_age, expires, domain, path, secure, httponly, samesite = args
        r = HttpResponse()
        r.set_cookie(name, value, max_age=int(max_age) if max_age else None,
                     expires=http_date(int(expires)) if expires else None, domain=domain or None, path=path,
                     secure=secure == '1' or None, httponly=httponly == '1' or None, samesite=samesite or None)
        return {'header': r.cookies[name].OutputString()}
    if cmd == 'delete-cookie':  # delete-cookie NAME PATH DOMAIN|'' SAMESITE|''
        name, path, domain, samesite = args
        r = HttpResponse()
        r.delete_cookie(name, path=path, domain=domain or None, samesite=samesite or None)
        return {'header': r.cookies[name].OutputString()}
    if cmd == 'timedelta-expiry':  # Django 3.2 stores the datetime itself: JSON cannot save it
        s = store('db')()
        s['a'] = 1
        s.set_expiry(timedelta(seconds=10))
        try:
            s.save()
            return {'saved': True, 'stored': str(s['_session_expiry'])}
        except TypeError as e:
            return {'saved': False, 'error': str(e)}
    if cmd == 'dumps':  # dumps SALT TIMESTAMP COMPRESS(0|1), a JSON list of objects on stdin
        from unittest import mock
        from django.core import signing
        objs = json.loads(sys.stdin.read())
        with mock.patch('time.time', return_value=float(args[1])):
            return {'values': [signing.dumps(o, salt=args[0], compress=args[2] == '1') for o in objs]}
    if cmd == 'loads':  # loads SALT, a JSON list of signed values on stdin
        from django.core import signing
        return {'values': [signing.loads(v, salt=args[0]) for v in json.loads(sys.stdin.read())]}
    if cmd == 'version':
        return {'version': django.get_version()}
    raise SystemExit('unknown command ' + cmd)


if __name__ == '__main__':
    print(json.dumps(main(*sys.argv[1:])))
