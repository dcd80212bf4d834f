"""session_inspector_testing's own behaviour, with pytest's pytester running inner test runs
against the built-in demo app (the proxy's own session engine: no Django, no browser; a
urllib cookie jar browses). Run by ../python-plugin.test.ts with the Django 5.2 venv."""
import json
import os
import subprocess
import sys

import pytest

from session_inspector_testing import InspectorError, find_cli
from session_inspector_testing.duration import to_seconds

pytest_plugins = ['pytester']

CONFTEST = '''
import http.cookiejar, json, os, urllib.request
import pytest

@pytest.fixture
def inspector_options():
    return {'upstream': 'demo', 'settings': {'SESSION_COOKIE_AGE': 3600}}

@pytest.fixture
def browse(inspector):
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    def get(path):
        with opener.open(inspector.url(path)) as response:
            return response.read().decode()
    return get

def record(inspector, name):
    with open(os.environ['RECORD'], 'a') as f:
        f.write(json.dumps({'test': name, 'pid': inspector.process.ready['pid'], 'dir': inspector.process.dir}) + '\\n')
'''


@pytest.fixture
def inner(pytester, tmp_path, monkeypatch):
    monkeypatch.setenv('RECORD', str(tmp_path / 'record.jsonl'))
    pytester.makeconftest(CONFTEST)
    return pytester


def records(tmp_path):
    return [json.loads(line) for line in (tmp_path / 'record.jsonl').read_text().splitlines()]


def test_each_test_starts_on_real_time_with_the_configured_settings_and_the_instance_stops(inner, tmp_path):
    inner.makepyfile('''
        from conftest import record

        def test_changes(inspector, browse):
            record(inspector, 'changes')
            assert inspector.mode == 'middleware'
            assert inspector.settings.get()['SESSION_COOKIE_AGE'] == 3600
            inspector.settings.set(SESSION_COOKIE_AGE=20)
            browse('/page/set/')
            assert inspector.session()['expiryAge'] == 20
            inspector.clock.advance('21s')
            assert 'Your session has Expired...' in browse('/page/get/')

        def test_next(inspector):
            record(inspector, 'next')
            assert inspector.settings.get()['SESSION_COOKIE_AGE'] == 3600
            assert abs(inspector.api.get('/api/clock')['offsetSeconds']) < 5
    ''')
    result = inner.runpytest_subprocess('-p', 'session_inspector_testing.pytest_plugin')
    result.assert_outcomes(passed=2)
    seen = records(tmp_path)
    assert len({r['pid'] for r in seen}) == 1  # one instance for the run
    pid = seen[0]['pid']
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert not os.path.exists(seen[0]['dir'])


def test_a_failed_test_leaves_its_traffic_as_har(inner, tmp_path):
    inner.makepyfile('''
        def test_earlier(inspector, browse):
            browse('/p1/set/')

        def test_fails(inspector, browse):
            browse('/p3/set/')
            browse('/p3/get/')
            assert False, 'on purpose'
    ''')
    har_dir = tmp_path / 'har'
    result = inner.runpytest_subprocess('-p', 'session_inspector_testing.pytest_plugin', '--session-inspector-har-dir', str(har_dir))
    result.assert_outcomes(passed=1, failed=1)
    files = sorted(os.listdir(har_dir))
    assert files == ['test_a_failed_test_leaves_its_traffic_as_har.py_test_fails.har']
    har = json.loads((har_dir / files[0]).read_text())
    paths = sorted(e['request']['url'].split('://', 1)[1].split('/', 1)[1] for e in har['log']['entries'])
    assert [p for p in paths if p.startswith('p')] == ['p3/get/', 'p3/set/']  # that test's traffic only
    result.stdout.fnmatch_lines(['*session-inspector*', '*traffic of this test (HAR): *test_fails.har*'])


def test_without_an_app_the_fixture_says_what_to_do(pytester):
    pytester.makepyfile('def test_it(inspector):\n    pass\n')
    result = pytester.runpytest_subprocess('-p', 'session_inspector_testing.pytest_plugin')
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(['*the inspector fixture needs the app under test: --session-inspector-upstream URL*'])


def test_a_cli_that_cannot_start_is_one_line(tmp_path):
    from session_inspector_testing import start_inspector
    with pytest.raises(InspectorError, match=r'^Session Inspector did not start \(exit 2\): session-inspector: --upstream: '):
        start_inspector('not a url', start_timeout=30)


def test_finding_the_command(tmp_path, monkeypatch):
    monkeypatch.delenv('SESSION_INSPECTOR_CLI', raising=False)
    monkeypatch.setenv('PATH', str(tmp_path / 'empty'))
    with pytest.raises(InspectorError, match='cannot find the session-inspector command: `npm install --save-dev session-inspector`'):
        find_cli(start=tmp_path)
    project = tmp_path / 'app' / 'deep'
    project.mkdir(parents=True)
    (tmp_path / 'app' / 'node_modules' / '.bin').mkdir(parents=True)
    (tmp_path / 'app' / 'node_modules' / '.bin' / 'session-inspector').write_text('')
    assert find_cli(start=project) == [str(tmp_path / 'app' / 'node_modules' / '.bin' / 'session-inspector')]
    monkeypatch.setenv('SESSION_INSPECTOR_CLI', 'npx session-inspector')
    assert find_cli(start=project) == ['npx', 'session-inspector']


def test_amounts_of_time():
    import datetime
    assert to_seconds('20m') == 1200
    assert to_seconds('1h30m') == 5400
    assert to_seconds('14d 1s') == 1209601
    assert to_seconds(90) == 90
    assert to_seconds(datetime.timedelta(minutes=2)) == 120
    with pytest.raises(ValueError, match="cannot read 'soon'"):
        to_seconds('soon')
    with pytest.raises(ValueError, match='only moves forward'):
        to_seconds(-1)


def test_an_in_memory_test_database_is_refused_with_the_fix():
    code = '''
import django
from django.conf import settings
settings.configure(INSTALLED_APPS=['django.contrib.contenttypes', 'django.contrib.sessions'],
                   DATABASES={'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': ':memory:'}})
django.setup()
from session_inspector_testing.django import observed_settings
try:
    observed_settings()
except Exception as e:
    print(type(e).__name__, e)
'''
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True).stdout
    assert out.startswith("InspectorError Session Inspector runs in another process and cannot see this test run's in-memory SQLite database")
    assert "DATABASES['default']['TEST'] = {'NAME':" in out
