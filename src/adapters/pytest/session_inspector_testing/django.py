"""Session Inspector around a Django live server running in this process: Django's
LiveServerTestCase / StaticLiveServerTestCase (SessionInspectorMixin) and pytest-django's
live_server (the pytest plugin).

The app keeps Django's own SessionMiddleware and store, and Session Inspector observes that
store (observe mode): the test database, as this process has set it up. What it observes
is read from this process's settings, overrides included, and handed to it in a settings
module written into its private temporary folder (never on a command line: SECRET_KEY is in
it). The test database must be reachable from another process: PostgreSQL, MySQL, or
SQLite in a file (DATABASES[...]['TEST']['NAME']); Django's default in-memory SQLite test
database is not, and is refused with that fix.
"""
import os
import sys
import tempfile

from .inspector import start_inspector
from .process import InspectorError

OBSERVED_SETTINGS_MODULE = 'session_inspector_observed_settings'
_DATABASE_KEYS = ('ENGINE', 'NAME', 'USER', 'PASSWORD', 'HOST', 'PORT', 'OPTIONS')


def _plain(value):
    """Settings values as Python literals (paths as text)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def observed_settings():
    """The settings Session Inspector needs to observe this process's session store, as a dict:
    SECRET_KEY (and fallbacks), every SESSION_*, the time zone, the database the Session
    model writes to (as the test run set it up) and the session cache."""
    from django.conf import settings
    from django.db import connections, router

    engine = settings.SESSION_ENGINE.rsplit('.', 1)[-1]
    alias = 'default'
    try:
        from django.contrib.sessions.models import Session
        alias = router.db_for_write(Session) or 'default'
    except Exception:
        pass  # no sessions app: the default database, as Session Inspector's reader does
    connection = connections[alias]
    if engine in ('db', 'cached_db') and connection.vendor == 'sqlite' and connection.is_in_memory_db():
        raise InspectorError(
            "Session Inspector runs in another process and cannot see this test run's in-memory SQLite "
            "database: give it a file, DATABASES['%s']['TEST'] = {'NAME': BASE_DIR / 'test-db.sqlite3'}" % alias)
    values = {name: getattr(settings, name) for name in dir(settings) if name.startswith('SESSION_')}
    values.update(
        SECRET_KEY=settings.SECRET_KEY,
        SECRET_KEY_FALLBACKS=list(getattr(settings, 'SECRET_KEY_FALLBACKS', [])),
        USE_TZ=settings.USE_TZ,
        TIME_ZONE=settings.TIME_ZONE,
        INSTALLED_APPS=['django.contrib.contenttypes', 'django.contrib.sessions'],
        DATABASES={'default': {k: v for k, v in connection.settings_dict.items() if k in _DATABASE_KEYS}},
        CACHES=settings.CACHES,
        DEFAULT_AUTO_FIELD='django.db.models.AutoField',
    )
    return values


def write_observed_settings(folder):
    """Writes observed_settings() as a settings module in `folder` (mode 0600)."""
    lines = ['# Written by session_inspector_testing for Session Inspector to read; removed with its folder.']
    lines += ['%s = %r' % (name, _plain(value)) for name, value in sorted(observed_settings().items())]
    path = os.path.join(folder, OBSERVED_SETTINGS_MODULE + '.py')
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, 'w', encoding='utf-8') as f:
        f.write('\n'.join(lines) + '\n')
    return folder


def upstream_of(url):
    """The live server's URL, with localhost as 127.0.0.1 (the server listens on IPv4 only)."""
    return url.replace('://localhost:', '://127.0.0.1:', 1)


def start_for_live_server(live_server_url, **options):
    """Session Inspector in front of a live server of this process, observing its store.
    `options` as start_inspector's (cli, env, start_timeout...)."""
    workdir = tempfile.mkdtemp(prefix='session-inspector-')
    try:
        project = write_observed_settings(workdir)
    except Exception:
        import shutil
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    return start_inspector(upstream_of(live_server_url), django_project=project, django_settings=OBSERVED_SETTINGS_MODULE,
                           python=sys.executable, workdir=workdir, **options)


def allow_proxy_host():
    """The browser's Host is the proxy's, 127.0.0.1: Django must accept it (the test runner
    turns DEBUG off, and with it the local hosts ALLOWED_HOSTS = [] accepts)."""
    from django.test.utils import modify_settings
    return modify_settings(ALLOWED_HOSTS={'append': '127.0.0.1'})


class _ClassProperty:
    def __init__(self, getter):
        self.getter = getter

    def __get__(self, instance, owner):
        return self.getter(owner)


class SessionInspectorMixin:
    """Put before LiveServerTestCase or StaticLiveServerTestCase:

        class ExpiryTests(SessionInspectorMixin, StaticLiveServerTestCase):
            def test_expires(self):
                page.goto(self.live_server_url + '/page/set/')   # through Session Inspector
                self.inspector.clock.advance('21m')

    One Session Inspector per class, observing the test database; ``live_server_url`` goes
    through its proxy (``upstream_url`` is the live server itself). Each test starts with its
    own traffic and ends with the clock reset; a failed test's traffic is written as HAR to
    SESSION_INSPECTOR_HAR_DIR (default test-results/session-inspector).
    """

    #: start_inspector's options for this class (cli, env, start_timeout).
    session_inspector_options = {}
    inspector = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        hosts = allow_proxy_host()
        hosts.enable()
        cls.addClassCleanup(hosts.disable)
        cls.inspector = start_for_live_server('http://127.0.0.1:%d' % cls.server_thread.port, **cls.session_inspector_options)
        cls.addClassCleanup(cls.inspector.stop)

    @_ClassProperty
    def upstream_url(cls):
        return 'http://%s:%s' % (cls.host, cls.server_thread.port)

    @_ClassProperty
    def live_server_url(cls):
        return cls.inspector.proxy_url if cls.inspector else cls.upstream_url

    def setUp(self):
        super().setUp()
        self.inspector.begin_test()
        self.addCleanup(self.inspector.end_test)

    def run(self, result=None):
        result = result if result is not None else self.defaultTestResult()
        before = len(result.failures) + len(result.errors)
        outcome = super().run(result)
        if len(result.failures) + len(result.errors) > before and self.inspector:
            from .har import save_har
            save_har(self.inspector, self.id(), os.environ.get('SESSION_INSPECTOR_HAR_DIR', os.path.join('test-results', 'session-inspector')))
        return outcome


__all__ = ['SessionInspectorMixin', 'observed_settings', 'start_for_live_server']
