"""The pytest plugin (registered by installing this package): the ``inspector`` fixture.

Where the app under test is, in order: the ``inspector_options`` fixture's ``upstream`` or
``django_project`` (override it in a conftest.py or a test module), --session-inspector-upstream
(or the session_inspector_upstream ini option, or SESSION_INSPECTOR_UPSTREAM), and pytest-django's
``live_server`` where pytest-django is installed (observing the test database of this process).

Each set of options gets one Session Inspector for the whole run (one per xdist worker),
started on first use and stopped at the end. Each test starts with its own traffic and ends
with the clock reset and its setting changes undone; a failed test's traffic is written as a
HAR file (--session-inspector-har-dir, default test-results/session-inspector) and named in
the report.
"""
import json
import os

import pytest

from .django import allow_proxy_host, start_for_live_server
from .har import save_har
from .inspector import start_inspector


def pytest_addoption(parser):
    group = parser.getgroup('session-inspector')
    group.addoption('--session-inspector-upstream', help='the app under test, e.g. http://127.0.0.1:8000')
    group.addoption('--session-inspector-cli', help='the session-inspector command (default: node_modules/.bin, then PATH)')
    group.addoption('--session-inspector-har-dir', help='where a failed test\'s traffic goes (default test-results/session-inspector)')
    parser.addini('session_inspector_upstream', 'the app under test for the inspector fixture')
    parser.addini('session_inspector_cli', 'the session-inspector command')
    parser.addini('session_inspector_har_dir', 'where a failed test\'s traffic goes')


def _config_value(config, name, env):
    return config.getoption('--' + name.replace('_', '-')) or config.getini(name) or os.environ.get(env) or None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, '_session_inspector_' + report.when, report)


class _Pool:
    """One Session Inspector per distinct set of options, for the whole run."""

    def __init__(self, config):
        self.config = config
        self.running = {}

    def get(self, options, live_server_url=None):
        key = json.dumps([options, live_server_url], sort_keys=True, default=str)
        if key not in self.running:
            options = dict(options)
            options.setdefault('cli', _config_value(self.config, 'session_inspector_cli', 'SESSION_INSPECTOR_CLI'))
            if live_server_url:
                options.pop('upstream', None)
                self.running[key] = start_for_live_server(live_server_url, **options)
            else:
                self.running[key] = start_inspector(options.pop('upstream'), **options)
        return self.running[key]

    def close(self):
        for inspector in self.running.values():
            inspector.stop()
        self.running.clear()


@pytest.fixture(scope='session')
def _session_inspector_pool(pytestconfig):
    pool = _Pool(pytestconfig)
    yield pool
    pool.close()


@pytest.fixture
def inspector_options():
    """Override to say how Session Inspector starts: ``upstream`` (a URL), ``django_project``,
    ``django_settings`` and ``python`` (observe a project), ``settings`` (when the app runs the
    session_inspector_django middleware), ``cli``, ``env``, ``start_timeout``."""
    return {}


@pytest.fixture
def inspector(request, inspector_options, _session_inspector_pool):
    """Session Inspector in front of the app under test (see this module's docstring)."""
    options = dict(inspector_options)
    live_server_url = None
    hosts = None
    if not options.get('upstream'):
        options['upstream'] = _config_value(request.config, 'session_inspector_upstream', 'SESSION_INSPECTOR_UPSTREAM')
    if not options.get('upstream'):
        if not request.config.pluginmanager.hasplugin('django'):
            raise pytest.UsageError(
                'the inspector fixture needs the app under test: --session-inspector-upstream URL, an '
                'inspector_options fixture returning {"upstream": URL}, or pytest-django (its live_server)')
        # What pytest-django's own helper does for a test that names live_server: the live
        # server's thread needs the database, committed (another thread, another process).
        request.getfixturevalue('transactional_db')
        live_server_url = request.getfixturevalue('live_server').url
        hosts = allow_proxy_host()
        hosts.enable()
    try:
        current = _session_inspector_pool.get(options, live_server_url)
        current.begin_test()
        yield current
        call = getattr(request.node, '_session_inspector_call', None)
        if call is not None and call.failed:
            folder = _config_value(request.config, 'session_inspector_har_dir', 'SESSION_INSPECTOR_HAR_DIR') or os.path.join(
                str(request.config.rootpath), 'test-results', 'session-inspector')
            path = save_har(current, request.node.nodeid, folder)
            if path:
                request.node.add_report_section('teardown', 'session-inspector', 'traffic of this test (HAR): %s' % path)
        current.end_test()
    finally:
        if hosts is not None:
            hosts.disable()
