"""Shared helpers of the adapter's tests: hand-built X-Session headers, the decoded
X-Session-Update of a response, and a tiny stand-in for the proxy (a dict store and a
cookie, applying updates in the protocol's order) for the seeds' request sequences."""
import copy
import secrets
from datetime import datetime, timezone as dt_timezone

from django.conf import settings
from django.utils import timezone

from session_inspector_django.wire import (
    UPDATE_HEADER, decode_wire_update, encode_base64url_json,
)

KEY = 'k3y0123456789abcdefghijklmnopqrs'
# Years away from the real clock, so an answer taken from timezone.now() cannot pass.
NOW = datetime(2041, 3, 1, 12, 0, tzinfo=dt_timezone.utc)
NOW_JS = '2041-03-01T12:00:00.000Z'  # as the proxy writes it (Date.toISOString)


def wire_json(data=None, key=KEY, now=NOW_JS, cookie_age=1209600, **extra):
    value = {
        'v': 1,
        'key': key,
        'data': {} if data is None else data,
        'expiryAge': cookie_age,
        'expiryDate': '2041-03-15T12:00:00.000Z',
        'expireAtBrowserClose': False,
        'cookieAge': cookie_age,
        'now': now,
    }
    value.update(extra)
    return value


def header(data=None, **kwargs):
    """An X-Session value; key=None gives a request without a session."""
    return encode_base64url_json(wire_json(data, **kwargs))


def update_of(response):
    """The response's X-Session-Update as a dict, or None when there is none."""
    if not response.has_header(UPDATE_HEADER):
        return None
    return decode_wire_update(response[UPDATE_HEADER])


class FakeProxy:
    """Just enough of the proxy for a browser's request sequence: the db store's answers
    (unknown keys load as no session), docs/protocol.md's order of applying an update, and
    the cookie rules of Django's SessionMiddleware.process_response."""

    def __init__(self, client):
        self.client = client
        self.store = {}
        self.cookie = None

    def request(self, method, path, **extra):
        key = self.cookie if self.cookie in self.store else None
        data = copy.deepcopy(self.store[key]) if key else {}
        extra['HTTP_X_SESSION'] = encode_base64url_json(wire_json(
            data, key=key, now=timezone.now().isoformat(), cookie_age=settings.SESSION_COOKIE_AGE,
            expireAtBrowserCloseSetting=settings.SESSION_EXPIRE_AT_BROWSER_CLOSE,
            saveEveryRequestSetting=settings.SESSION_SAVE_EVERY_REQUEST))
        response = getattr(self.client, method)(path, **extra)
        self._apply(update_of(response) or {}, key, data, response.status_code)
        return response

    def _apply(self, update, key, data, status):
        if update.get('flush'):
            self.store.pop(key, None)
            key, data = None, {}
        if update.get('cycleKey'):
            old, key = key, secrets.token_hex(16)
            self.store[key] = data
            self.store.pop(old, None)
        if 'data' in update:
            data = update['data']
        modified = bool(update.get('modified') or 'data' in update or update.get('cycleKey'))
        empty = key is None and not data
        if self.cookie is not None and empty and update.get('accessed'):
            self.cookie = None
        elif modified and not empty and status < 500:
            key = key or secrets.token_hex(16)
            self.store[key] = data
            self.cookie = key
