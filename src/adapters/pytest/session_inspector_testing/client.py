"""The control API over HTTP with the standard library (README "Scripting: the control API")."""
import json
import urllib.error
import urllib.parse
import urllib.request


class ApiError(Exception):
    """An answer of the control API that is not a success: its message, code and status."""

    def __init__(self, message, code=None, status=None):
        super().__init__(message)
        self.code = code
        self.status = status


class ControlClient:
    def __init__(self, control_url, token, timeout=30):
        self.base = control_url.rstrip('/')
        self.token = token
        self.timeout = timeout

    def call(self, verb, path, body=None, query=None):
        url = self.base + path + ('?' + urllib.parse.urlencode(query) if query else '')
        data = None if body is None else json.dumps(body).encode('utf-8')
        request = urllib.request.Request(url, data=data, method=verb)
        request.add_header('Authorization', 'Bearer ' + self.token)
        if data is not None:
            request.add_header('Content-Type', 'application/json')
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as e:
            raw = e.read()
            try:
                wire = json.loads(raw)
            except ValueError:
                wire = {}
            message = wire.get('error') if isinstance(wire, dict) else None
            raise ApiError('%s %s: %s' % (verb, path, message or 'HTTP %d' % e.code),
                           code=wire.get('code') if isinstance(wire, dict) else None, status=e.code) from None
        except urllib.error.URLError as e:
            raise ApiError('cannot reach Session Inspector at %s: %s' % (self.base, e.reason)) from None
        return json.loads(raw) if raw else None

    def get(self, path, **query):
        return self.call('GET', path, query={k: v for k, v in query.items() if v is not None})

    def post(self, path, body=None):
        return self.call('POST', path, body)

    def patch(self, path, body):
        return self.call('PATCH', path, body)

    def delete(self, path):
        return self.call('DELETE', path)
