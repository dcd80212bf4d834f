"""The tutorial's programs under pytest, with Playwright for Python and Session Inspector's
pytest plugin (pip install pytest-session-inspector). Like playwright.config.ts: one Django
server per settings module (started here on a free port, on its own database), and each test
module observes its own through the ``inspector_options`` fixture."""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

EXAMPLE = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class DjangoServer:
    """manage.py runserver with one settings module, on a copy of a migrated database."""

    def __init__(self, settings_module, folder, migrated):
        self.env = dict(os.environ, DJANGO_SETTINGS_MODULE=settings_module,
                        TUTORIAL_DB=str(Path(folder) / (settings_module + '.sqlite3')))
        shutil.copyfile(migrated, self.env['TUTORIAL_DB'])
        self.port = free_port()
        self.url = 'http://127.0.0.1:%d' % self.port
        self.process = subprocess.Popen([sys.executable, 'manage.py', 'runserver', '127.0.0.1:%d' % self.port, '--noreload'],
                                        cwd=EXAMPLE, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(('127.0.0.1', self.port), timeout=1).close()
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError('runserver for %s did not start' % settings_module)
                time.sleep(0.05)

    def inspector_options(self):
        """Observe this server: its SESSION_* settings, SECRET_KEY and database, read with this Python."""
        return {'upstream': self.url, 'django_project': str(EXAMPLE), 'django_settings': self.env['DJANGO_SETTINGS_MODULE'],
                'python': sys.executable, 'env': {'TUTORIAL_DB': self.env['TUTORIAL_DB']}}

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


@pytest.fixture(scope='session')
def django_server():
    folder = tempfile.mkdtemp(prefix='django-tutorial-')
    # The settings modules share their apps: one migration serves them all.
    migrated = os.path.join(folder, 'migrated.sqlite3')
    subprocess.run([sys.executable, 'manage.py', 'migrate', '--noinput', '-v0'], cwd=EXAMPLE,
                   env=dict(os.environ, TUTORIAL_DB=migrated), check=True)
    servers = {}

    def server(settings_module):
        if settings_module not in servers:
            servers[settings_module] = DjangoServer(settings_module, folder, migrated)
        return servers[settings_module]

    yield server
    for s in servers.values():
        s.stop()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope='session')
def browser():
    with sync_playwright() as p:
        # Debian's Chromium: Playwright's own browser download is not needed.
        browser = p.chromium.launch(executable_path=os.environ.get('CHROMIUM_PATH', '/usr/bin/chromium'),
                                    args=['--no-sandbox'] if os.getuid() == 0 else [])
        yield browser
        browser.close()


@pytest.fixture
def context(browser, inspector):
    context = browser.new_context(base_url=inspector.proxy_url)
    inspector.browser = context  # its cookies follow the inspector's clock and close
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()
