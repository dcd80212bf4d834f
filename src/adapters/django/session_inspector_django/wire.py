"""Wire protocol v1 (PROTOCOL.md), the Python twin of src/shared/wire.ts: decodes the
X-Session header the proxy sends and encodes the X-Session-Update header the app answers."""
import base64
import binascii
import json
import re
from datetime import datetime, timedelta, timezone

SESSION_HEADER = 'X-Session'
UPDATE_HEADER = 'X-Session-Update'
APP_HEADER = 'X-Session-Django'
# The settings the proxy takes from settings.py (APP_SETTING_NAMES in src/shared/wire.ts).
APP_SETTING_NAMES = (
    'SESSION_COOKIE_AGE', 'SESSION_COOKIE_NAME', 'SESSION_COOKIE_PATH', 'SESSION_COOKIE_DOMAIN',
    'SESSION_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', 'SESSION_COOKIE_SAMESITE',
    'SESSION_EXPIRE_AT_BROWSER_CLOSE', 'SESSION_SAVE_EVERY_REQUEST',
)
# The proxy refuses a larger update (wire.ts MAX_UPDATE_BYTES).
MAX_UPDATE_BYTES = 1024 * 1024

_BASE64URL = re.compile(r'^[A-Za-z0-9_-]*$')
# What expiry.ts parseIsoDate accepts: Python's isoformat(), JavaScript's toISOString().
_ISO = re.compile(
    r'^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*'
    r'(Z|[+-]\d{2}(?::?\d{2})?)?$',
    re.IGNORECASE,
)


class WireError(ValueError):
    """A header that is not protocol v1; the message names the problem in one line."""


class WireSession:
    """The decoded X-Session header: what the proxy knows of the session at `now`."""

    __slots__ = (
        'key', 'data', 'expiry_age', 'expiry_date', 'expire_at_browser_close',
        'cookie_age', 'expire_at_browser_close_setting', 'save_every_request_setting', 'now',
    )

    def __init__(self, key, data, cookie_age, now, expiry_age=None, expiry_date=None,
                 expire_at_browser_close=None, expire_at_browser_close_setting=None,
                 save_every_request_setting=None):
        self.key = key
        self.data = data
        self.cookie_age = cookie_age
        self.now = now
        self.expiry_age = expiry_age
        self.expiry_date = expiry_date
        self.expire_at_browser_close = expire_at_browser_close
        self.expire_at_browser_close_setting = expire_at_browser_close_setting
        self.save_every_request_setting = save_every_request_setting

    def to_json(self):
        """The header's JSON object (tests and tools build headers with it)."""
        value = {
            'v': 1,
            'key': self.key,
            'data': self.data,
            'cookieAge': self.cookie_age,
            'now': self.now.isoformat(),
        }
        optional = {
            'expiryAge': self.expiry_age,
            'expiryDate': self.expiry_date.isoformat() if self.expiry_date else None,
            'expireAtBrowserClose': self.expire_at_browser_close,
            'expireAtBrowserCloseSetting': self.expire_at_browser_close_setting,
            'saveEveryRequestSetting': self.save_every_request_setting,
        }
        value.update((k, v) for k, v in optional.items() if v is not None)
        return value


def encode_base64url_json(value):
    """base64url without padding of UTF-8 JSON. Raises TypeError/ValueError for non-JSON
    values (NaN and Infinity included: JavaScript's JSON.parse refuses them)."""
    text = json.dumps(value, separators=(',', ':'), ensure_ascii=False, allow_nan=False)
    return base64.urlsafe_b64encode(text.encode('utf-8')).rstrip(b'=').decode('ascii')


def _refuse_constant(name):
    raise ValueError('%s is not JSON' % name)


def decode_base64url_json(text):
    """The inverse of encode_base64url_json; raises WireError saying which layer failed."""
    if not _BASE64URL.match(text):
        raise WireError('not base64url')
    try:
        raw = base64.urlsafe_b64decode(text + '=' * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise WireError('not base64url') from None
    try:
        json_text = raw.decode('utf-8')
    except UnicodeDecodeError:
        raise WireError('not UTF-8') from None
    try:
        return json.loads(json_text, parse_constant=_refuse_constant)
    except ValueError:
        raise WireError('not JSON') from None


def parse_iso_datetime(text):
    """An ISO-8601 datetime as Django and the engine write it ("2026-12-06T10:00:00+00:00",
    "2026-12-06T10:00:00.000Z"), on any Python 3 (fromisoformat only learnt "Z" in 3.11).
    Aware when the text has an offset, naive otherwise; None when it cannot be read."""
    match = _ISO.match(text.strip()) if isinstance(text, str) else None
    if not match:
        return None
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    try:
        value = datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second or 0),
            int(((fraction or '') + '000000')[:6]),
        )
    except ValueError:
        return None
    if offset is None:
        return value
    if offset.upper() == 'Z':
        return value.replace(tzinfo=timezone.utc)
    digits = offset[1:].replace(':', '')
    minutes = int(digits[:2]) * 60 + int(digits[2:4] or 0)
    sign = -1 if offset[0] == '-' else 1
    try:
        return value.replace(tzinfo=timezone(sign * timedelta(minutes=minutes)))
    except ValueError:
        return None


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _optional(raw, name, check, what):
    value = raw.get(name)
    if value is not None and not check(value):
        raise WireError('X-Session: "%s" must be %s' % (name, what))
    return value


def parse_wire_session(header):
    """Parses an X-Session value (wire.ts parseWireSession, plus the optional fields).
    Raises WireError naming the problem; never returns a half-read session."""
    try:
        raw = decode_base64url_json(header.strip())
    except WireError as error:
        raise WireError('X-Session is %s' % error) from None
    if not isinstance(raw, dict) or raw.get('v') != 1:
        raise WireError('X-Session is not protocol v1')
    key = raw.get('key')
    if not (key is None or isinstance(key, str)):
        raise WireError('X-Session: "key" must be a string or null')
    data = raw.get('data')
    if not isinstance(data, dict):
        raise WireError('X-Session: "data" must be an object')
    if key is None and data:
        raise WireError('X-Session: "data" must be empty when "key" is null')
    now = parse_iso_datetime(raw.get('now'))
    if now is None:
        raise WireError('X-Session: "now" must be an ISO-8601 datetime')
    if now.tzinfo is None:  # read as UTC, as expiry.ts parseIsoDate does
        now = now.replace(tzinfo=timezone.utc)
    cookie_age = raw.get('cookieAge')
    if not _is_int(cookie_age) or cookie_age < 0:
        raise WireError('X-Session: "cookieAge" must be a whole number of seconds')
    expiry_date = _optional(raw, 'expiryDate', lambda v: parse_iso_datetime(v) is not None,
                            'an ISO-8601 datetime')
    return WireSession(
        key=key,
        data=data,
        cookie_age=cookie_age,
        now=now.astimezone(timezone.utc),
        expiry_age=_optional(raw, 'expiryAge', _is_int, 'a whole number of seconds'),
        expiry_date=parse_iso_datetime(expiry_date) if expiry_date is not None else None,
        expire_at_browser_close=_optional(
            raw, 'expireAtBrowserClose', lambda v: isinstance(v, bool), 'true or false'),
        expire_at_browser_close_setting=_optional(
            raw, 'expireAtBrowserCloseSetting', lambda v: isinstance(v, bool), 'true or false'),
        save_every_request_setting=_optional(
            raw, 'saveEveryRequestSetting', lambda v: isinstance(v, bool), 'true or false'),
    )


def encode_wire_session(session):
    """An X-Session value for a WireSession (tests and tools; the proxy writes the real one)."""
    return encode_base64url_json(session.to_json())


def encode_wire_update(update):
    """An X-Session-Update value. Raises TypeError when the session data is not JSON, and
    ValueError when the header would be over the proxy's 1 MiB limit."""
    try:
        value = encode_base64url_json(update)
    except (TypeError, ValueError) as error:
        raise TypeError(
            "session data must be JSON-serializable, as with Django's JSONSerializer, and "
            'hold no NaN or Infinity: %s' % error) from error
    if len(value) > MAX_UPDATE_BYTES:
        raise ValueError(
            'X-Session-Update would be %d bytes; Session Inspector accepts at most %d. '
            'Keep less in the session.' % (len(value), MAX_UPDATE_BYTES))
    return value


def decode_wire_update(header):
    """The JSON object of an X-Session-Update value (tests and tools)."""
    value = decode_base64url_json(header)
    if not isinstance(value, dict):
        raise WireError('X-Session-Update must be a JSON object')
    return value
