"""Session Inspector's reader of a Django project's session settings (observe mode, issue 11).

Run once with the project's own Python:
    python -c "$(cat read_django_settings.py)" PROJECT_DIR [SETTINGS_MODULE]
It imports the project's settings as Django resolves them (manage.py's DJANGO_SETTINGS_MODULE
unless one is given), and prints one JSON line after a marker: SESSION_*, SECRET_KEY (and
SECRET_KEY_FALLBACKS from Django 4.1), the database the Session model is written to, the cache
SESSION_CACHE_ALIAS names, the file store's folder, and AUTH_USER_MODEL's table and columns
(USERNAME_FIELD, password) with the database it is read from. Nothing is written anywhere."""
import json
import os
import re
import sys

MARKER = '@@SESSION-INSPECTOR@@'


def emit(obj):
    sys.stdout.write('\n' + MARKER + json.dumps(obj, default=str) + '\n')
    sys.stdout.flush()


def settings_module(project):
    manage = os.path.join(project, 'manage.py')
    try:
        with open(manage, encoding='utf-8') as f:
            m = re.search(r"""DJANGO_SETTINGS_MODULE['"]\s*,\s*['"]([\w.]+)['"]""", f.read())
        return m.group(1) if m else None
    except OSError:
        return None


def main():
    project = os.path.abspath(sys.argv[1])
    module = (sys.argv[2] if len(sys.argv) > 2 else '') or os.environ.get('DJANGO_SETTINGS_MODULE') or settings_module(project)
    if not module:
        return emit({'error': 'no settings module: %s has no manage.py naming DJANGO_SETTINGS_MODULE; pass --django-settings' % project})
    os.environ['DJANGO_SETTINGS_MODULE'] = module
    sys.path.insert(0, project)
    os.chdir(project)
    try:
        import django
    except ImportError as e:
        return emit({'error': 'this Python (%s) has no Django (%s): pass --python, the project\'s own' % (sys.executable, e)})
    from django.conf import settings
    try:
        settings.SECRET_KEY  # imports the settings module
    except Exception as e:
        return emit({'error': 'cannot import the settings %s: %s: %s' % (module, type(e).__name__, e)})
    alias = 'default'
    try:
        django.setup()
        from django.contrib.sessions.models import Session
        from django.db import router
        alias = router.db_for_write(Session) or 'default'
    except Exception:
        pass  # no sessions app, or a router that needs more: the default database
    users = user_model(settings)
    names = [n for n in dir(settings) if n.startswith('SESSION_')]
    session = {n: getattr(settings, n) for n in names}
    db = dict(settings.DATABASES.get(alias, {}))
    cache_alias = getattr(settings, 'SESSION_CACHE_ALIAS', 'default')
    cache = dict(settings.CACHES.get(cache_alias, {}))
    if callable(cache.get('KEY_FUNCTION')):
        cache['KEY_FUNCTION'] = '%s.%s' % (cache['KEY_FUNCTION'].__module__, cache['KEY_FUNCTION'].__qualname__)
    file_path = None
    if session.get('SESSION_ENGINE', '').endswith('.file'):
        import tempfile
        file_path = session.get('SESSION_FILE_PATH') or tempfile.gettempdir()
    emit({
        'django': django.get_version(),
        'settings_module': module,
        'SECRET_KEY': settings.SECRET_KEY,
        'SECRET_KEY_FALLBACKS': list(getattr(settings, 'SECRET_KEY_FALLBACKS', [])) if django.VERSION >= (4, 1) else None,
        'USE_TZ': getattr(settings, 'USE_TZ', False),
        'TIME_ZONE': getattr(settings, 'TIME_ZONE', None),
        'session': session,
        'database': dict(db, alias=alias, NAME=str(db.get('NAME', ''))),
        'cache': dict(cache, alias=cache_alias),
        'file_path': file_path and os.path.abspath(file_path),
        'users': users,
    })


def user_model(settings):
    """AUTH_USER_MODEL's table and the columns sessions need (its primary key, USERNAME_FIELD,
    password, is_active), and the database it is read from; None without django.contrib.auth."""
    try:
        from django.contrib.auth import get_user_model
        from django.db import router
        model = get_user_model()
        opts = model._meta
        username = opts.get_field(model.USERNAME_FIELD)
        password = opts.get_field('password')
        try:
            active = opts.get_field('is_active').column
        except Exception:
            active = None
        alias = router.db_for_read(model) or 'default'
        db = dict(settings.DATABASES.get(alias, {}))
        return {
            'model': settings.AUTH_USER_MODEL,
            'table': opts.db_table,
            'pk': opts.pk.column,
            'username_field': model.USERNAME_FIELD,
            'username': username.column,
            'password': password.column,
            'is_active': active,
            'database': dict(db, alias=alias, NAME=str(db.get('NAME', ''))),
        }
    except Exception:
        return None


try:
    main()
except Exception as e:  # whatever the project does on import: one line, not a traceback
    emit({'error': '%s: %s' % (type(e).__name__, e)})
