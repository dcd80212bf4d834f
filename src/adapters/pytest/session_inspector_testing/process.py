"""Starting and stopping the headless Session Inspector (the Node command `session-inspector`)
for a test run: free ports, a temporary data folder, the addresses and token read from its
--ready-json file. It runs with --stop-on-stdin-close, so a test process that dies without
stopping it takes it along."""
import json
import os
import shlex
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path


class InspectorError(Exception):
    """Session Inspector could not be found or started; the message says why and what to do."""


COMMAND_NAME = 'session-inspector'


def find_cli(explicit=None, start=None):
    """The command that runs Session Inspector, as a list of arguments. In order: `explicit`
    or SESSION_INSPECTOR_CLI (a path, a .js file run with node, or a command line such as
    "npx session-inspector"), node_modules/.bin/session-inspector in this folder or one
    above it (the project's own npm install), then session-inspector on PATH."""
    explicit = explicit or os.environ.get('SESSION_INSPECTOR_CLI')
    if explicit:
        parts = shlex.split(explicit)
        if parts and parts[0].endswith('.js'):
            return [_node(), *parts]
        return parts
    here = Path(start or os.getcwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / 'node_modules' / '.bin' / COMMAND_NAME
        if candidate.exists():
            return [str(candidate)]
    on_path = shutil.which(COMMAND_NAME)
    if on_path:
        return [on_path]
    raise InspectorError(
        'cannot find the session-inspector command: `npm install --save-dev session-inspector` in the '
        'project (found in node_modules/.bin from there), install it globally, or set SESSION_INSPECTOR_CLI '
        'to its path or to a command such as "npx session-inspector"')


def _node():
    node = os.environ.get('SESSION_INSPECTOR_NODE') or shutil.which('node')
    if not node:
        raise InspectorError('cannot find node to run Session Inspector: put Node.js 22.13 or later on PATH, or set SESSION_INSPECTOR_NODE')
    return node


class InspectorProcess:
    """One running Session Inspector. `ready` is what --ready-json said: proxyUrl, controlUrl, uiUrl, token, mode..."""

    def __init__(self, upstream, *, cli=None, args=(), env=None, start_timeout=30, workdir=None):
        self.upstream = upstream
        self.command = find_cli(cli)
        self.args = list(args)
        self.env = env
        self.start_timeout = start_timeout
        self.dir = workdir or tempfile.mkdtemp(prefix='session-inspector-')
        self.ready = None
        self.process = None
        self._log = None

    def start(self):
        ready_file = os.path.join(self.dir, 'ready.json')
        argv = self.command + [
            '--upstream', self.upstream,
            '--listen', '127.0.0.1:0',
            '--control', '127.0.0.1:0',
            '--data-dir', os.path.join(self.dir, 'data'),
            '--ready-json', ready_file,
            '--stop-on-stdin-close',
        ] + self.args
        env = dict(os.environ, **(self.env or {}))
        # A token of our own: one in the environment is not for this instance.
        env['SESSION_INSPECTOR_TOKEN'] = os.urandom(24).hex()
        self._log = open(os.path.join(self.dir, 'output.log'), 'w+b')
        try:
            self.process = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=self._log, stderr=subprocess.STDOUT, env=env)
        except OSError as e:
            self.stop()
            raise InspectorError('cannot run Session Inspector (%s): %s' % (' '.join(argv[:2]), e)) from None
        deadline = time.monotonic() + self.start_timeout
        while not os.path.exists(ready_file):
            code = self.process.poll()
            if code is not None:
                said = self.output()
                lines = [line for line in said.splitlines() if line.startswith('session-inspector:')]
                self.stop()
                raise InspectorError('Session Inspector did not start (exit %s): %s' % (code, '\n'.join(lines) or said.strip()))
            if time.monotonic() > deadline:
                said = self.output()
                self.stop()
                raise InspectorError('Session Inspector did not start within %s s:\n%s' % (self.start_timeout, said))
            time.sleep(0.025)
        with open(ready_file, encoding='utf-8') as f:
            self.ready = json.load(f)
        return self

    def output(self):
        """What the command printed so far."""
        if not self._log:
            return ''
        self._log.flush()
        with open(self._log.name, 'rb') as f:
            return f.read().decode('utf-8', 'replace')

    def stop(self):
        """Stops it (SIGTERM, then SIGKILL after 10 s) and removes its folder. Safe to call twice."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process and self.process.stdin:
            self.process.stdin.close()
        if self._log:
            self._log.close()
            self._log = None
        shutil.rmtree(self.dir, ignore_errors=True)
