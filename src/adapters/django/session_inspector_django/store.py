"""A SessionStore on django/contrib/sessions/backends/base.py whose storage is the
X-Session header: load() returns the header's data, create/save/delete/clear_expired
record what the proxy should do, and every time question is answered from the header's
`now` (the engine's clock, possibly fast-forwarded) instead of timezone.now().

Everything else (item access, get/pop/setdefault/update/keys/values/items, clear, `in`,
flush, cycle_key, the test cookie, the accessed/modified flags) is SessionBase's own code,
so views, templates and django.contrib.auth run unchanged."""
import copy
from datetime import datetime, timedelta, timezone as dt_timezone

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.utils import timezone

from .wire import parse_iso_datetime

EXPIRY_KEY = '_session_expiry'


class _ClassOrInstanceMethod:
    """clear_expired() is a classmethod in Django, but views call it on request.session
    (the seeds do: request.session.clear_expired()). Called on the instance it can record
    an intent for this request; called on the class it gets the class."""

    def __init__(self, function):
        self.function = function
        self.__doc__ = function.__doc__

    def __get__(self, instance, owner):
        target = owner if instance is None else instance

        def bound(*args, **kwargs):
            return self.function(target, *args, **kwargs)

        bound.__doc__ = self.__doc__
        return bound


def _aware(value):
    """Naive datetimes are in the default time zone, as Django reads them."""
    if timezone.is_naive(value):
        return timezone.make_aware(value, timezone.get_default_timezone())
    return value


def _stored_datetime(value):
    """A stored expiry moment as an aware datetime. Current Django keeps it as an ISO
    string (3.2 kept the datetime itself, which JSON cannot serialise); a string without
    an offset is read as UTC, as the engine reads it (expiry.ts parseIsoDate)."""
    if isinstance(value, datetime):
        return _aware(value)
    parsed = parse_iso_datetime(value)
    if parsed is None:
        raise ValueError('%s %r is not an ISO-8601 datetime' % (EXPIRY_KEY, value))
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=dt_timezone.utc)
    return parsed


class SessionStore(SessionBase):
    """The session the proxy handed over in X-Session (a WireSession)."""

    def __init__(self, wire):
        super().__init__(wire.key)
        self._wire = wire
        self._flushed = False
        self._cycled = False
        self._cycled_from = None
        self._clear_expired = False

    # The clock: the engine's, never the app's.

    def _now(self):
        """timezone.now() on the engine's clock: aware UTC, or naive local time without USE_TZ."""
        if settings.USE_TZ:
            return self._wire.now
        return timezone.make_naive(self._wire.now, timezone.get_default_timezone())

    def _in_settings_zone(self, value):
        """A datetime the way timezone.now() would give it under the current settings."""
        if settings.USE_TZ:
            return value
        return timezone.make_naive(value, timezone.get_default_timezone())

    # Storage, as intents for the proxy (the methods each backend implements).

    def load(self):
        return copy.deepcopy(self._wire.data)

    def exists(self, session_key):
        return session_key is not None and session_key == self._wire.key

    def create(self):
        # backends/db.py creates a fresh key and saves at once. Here the proxy picks the key
        # (an app never chooses one), so until the next request this session shows no key.
        if not self._cycled:
            self._cycled_from = self.session_key
        self._cycled = True
        self._session_key = None
        self.modified = True

    def save(self, must_create=False):
        # The proxy saves at the response step; an explicit save() asks it to save even if
        # nothing changed. Like backends/db.py, saving a session without a key creates one.
        if self.session_key is None and not self._cycled:
            return self.create()
        self.modified = True

    def delete(self, session_key=None):
        if session_key is None or session_key == self.session_key:
            # flush() lands here: the proxy clears, deletes and forgets the key. A flush after
            # cycle_key() deletes the new key too, so the cycle no longer matters.
            self._flushed = True
            self._cycled = False
            self._cycled_from = None
            return
        if self._cycled and session_key == self._cycled_from:
            return  # cycle_key() deleting the old key: the proxy's cycleKey does that
        raise NotImplementedError(
            'Session Inspector can only delete the current session (flush() or delete()), '
            'not another one by key')

    @_ClassOrInstanceMethod
    def clear_expired(cls_or_self):
        """Asks the proxy to remove expired sessions from its store (request.session.clear_expired()).

        Called on the class there is no request to carry the intent: Django's clearsessions
        command reports that this backend cannot clear expired sessions."""
        if isinstance(cls_or_self, type):
            raise NotImplementedError(
                'Session Inspector owns the session store: call request.session.clear_expired() '
                'in a view, or clear expired sessions from Session Inspector itself')
        cls_or_self._clear_expired = True

    def is_empty(self):
        # A session created by cycle_key()/create() has a key at the proxy even though this
        # object cannot show it yet, so it is not empty (base.py: key or data).
        return not self._cycled and super().is_empty()

    # Expiry: base.py's maths on the engine's clock, reading ISO strings as current Django.

    def get_session_cookie_age(self):
        return self._wire.cookie_age

    def get_expiry_age(self, **kwargs):
        try:
            modification = kwargs['modification']
        except KeyError:
            modification = self._now()
        try:
            expiry = kwargs['expiry']
        except KeyError:
            expiry = self.get(EXPIRY_KEY)

        if not expiry:  # Checks both None and 0 cases
            return self.get_session_cookie_age()
        if not isinstance(expiry, (datetime, str)):
            return expiry
        delta = _stored_datetime(expiry) - _aware(modification)
        return delta.days * 86400 + delta.seconds

    def get_expiry_date(self, **kwargs):
        try:
            modification = kwargs['modification']
        except KeyError:
            modification = self._now()
        try:
            expiry = kwargs['expiry']
        except KeyError:
            expiry = self.get(EXPIRY_KEY)

        if isinstance(expiry, datetime):
            return expiry
        if isinstance(expiry, str):
            return self._in_settings_zone(_stored_datetime(expiry))
        expiry = expiry or self.get_session_cookie_age()
        return modification + timedelta(seconds=expiry)

    def set_expiry(self, value):
        if value is None:
            # Remove any custom expiration for this session.
            try:
                del self[EXPIRY_KEY]
            except KeyError:
                pass
            return
        if isinstance(value, timedelta):
            value = self._now() + value
        if isinstance(value, datetime):
            # Current Django stores the ISO string; naive values get their zone so that the
            # engine (which reads offset-less strings as UTC) sees the same moment.
            value = _aware(value).isoformat()
        self[EXPIRY_KEY] = value

    def get_expire_at_browser_close(self):
        expiry = self.get(EXPIRY_KEY)
        if expiry is None:
            return self._expire_at_browser_close_setting()
        return expiry == 0

    def _expire_at_browser_close_setting(self):
        """SESSION_EXPIRE_AT_BROWSER_CLOSE as the proxy has it."""
        wire = self._wire
        if wire.expire_at_browser_close_setting is not None:
            return wire.expire_at_browser_close_setting
        if EXPIRY_KEY not in wire.data and wire.expire_at_browser_close is not None:
            return wire.expire_at_browser_close  # no custom expiry: the flag is the setting
        return settings.SESSION_EXPIRE_AT_BROWSER_CLOSE

    def _save_every_request_setting(self):
        """SESSION_SAVE_EVERY_REQUEST as the proxy has it (the app's own setting if the
        proxy did not say)."""
        if self._wire.save_every_request_setting is not None:
            return self._wire.save_every_request_setting
        return settings.SESSION_SAVE_EVERY_REQUEST

    # Current Django's async API (5.0+): the same answers, since nothing here does I/O.

    async def aload(self):
        return self.load()

    async def aexists(self, session_key):
        return self.exists(session_key)

    async def acreate(self):
        return self.create()

    async def asave(self, must_create=False):
        return self.save(must_create)

    async def adelete(self, session_key=None):
        return self.delete(session_key)

    @_ClassOrInstanceMethod
    async def aclear_expired(cls_or_self):
        return cls_or_self.clear_expired()

    async def aget_expiry_age(self, **kwargs):
        return self.get_expiry_age(**kwargs)

    async def aget_expiry_date(self, **kwargs):
        return self.get_expiry_date(**kwargs)

    async def aset_expiry(self, value):
        return self.set_expiry(value)

    async def aget_expire_at_browser_close(self):
        return self.get_expire_at_browser_close()

    # What the middleware sends back.

    def data_after(self):
        """What the session holds now, without marking it accessed (for X-Session-User)."""
        data = self.__dict__.get('_session_cache')
        if data is None:
            data = {} if self._flushed else self._wire.data
        return data

    def wire_update(self):
        """This request's effect on the session as X-Session-Update fields (PROTOCOL.md),
        or None when the session was never touched. The proxy applies flush, cycleKey,
        data, modified, clearExpired in that order, so `data` is compared with what the
        session holds after the flush or the cycle: {} after a flush, the old data else.

        Like Django, changes made in place (session['cart'].append(x)) count only with
        session.modified = True, or with SESSION_SAVE_EVERY_REQUEST, where Django saves
        whatever the dict holds: then `data` goes out whenever it differs, unmarked."""
        update = {}
        if self.accessed:
            update['accessed'] = True
        if self._flushed:
            update['flush'] = True
        if self._cycled:
            update['cycleKey'] = True
        if self.modified or self._save_every_request_setting():
            data = self.__dict__.get('_session_cache')
            baseline = {} if self._flushed else self._wire.data
            if data is not None and data != baseline:
                update['data'] = data
        if self.modified:
            update['modified'] = True
        if self._clear_expired:
            update['clearExpired'] = True
        return update or None
