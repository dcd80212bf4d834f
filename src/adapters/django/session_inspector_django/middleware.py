"""Port of django/contrib/sessions/middleware.py for apps behind Session Inspector.

Django's SessionMiddleware reads the session cookie, loads the session from
SESSION_ENGINE and, on the way out, saves it and sets or deletes the cookie. Behind
Session Inspector the proxy does all of that (it owns the cookie, the store, the settings
and the clock); this middleware only builds request.session from the proxy's X-Session
header and tells the proxy what the view did in an X-Session-Update header.

It subclasses Django's middleware so that checks looking for it (the admin's admin.E410)
still pass; none of the parent's cookie handling runs."""
import django
from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.core.exceptions import ImproperlyConfigured
from django.utils.cache import patch_vary_headers

from .exceptions import NO_HEADER_MESSAGE, BadSessionHeader
from .store import SessionStore
from .users import USER_HEADER, user_header
from .wire import (
    APP_HEADER, APP_SETTING_NAMES, UPDATE_HEADER, WireError, encode_base64url_json, encode_wire_update,
    parse_wire_session,
)


def app_report():
    """X-Session-Django: this Django's release and the SESSION_* values settings.py sets
    (is_overridden: not Django's defaults), which the proxy takes as its starting values."""
    values = {}
    for name in APP_SETTING_NAMES:
        if settings.is_overridden(name):
            value = getattr(settings, name)
            if value is None or isinstance(value, (bool, int, str)):
                values[name] = value
    return encode_base64url_json({'version': django.get_version(), 'settings': values})


class SessionMiddleware(DjangoSessionMiddleware):
    def __init__(self, get_response):
        super().__init__(get_response)
        self.SessionStore = SessionStore

    def process_request(self, request):
        header = request.META.get('HTTP_X_SESSION')
        if header is None:
            # Fail at once rather than hand out an empty session: without the proxy nobody
            # would keep what the view stores, and that would look like a session bug.
            raise ImproperlyConfigured(NO_HEADER_MESSAGE)
        try:
            wire = parse_wire_session(header)
        except WireError as error:
            raise BadSessionHeader('%s (is Session Inspector in front of this app?)' % error) from None
        request.session = self.SessionStore(wire)

    def process_response(self, request, response):
        """Tell the proxy what the view did to the session. No header means it did nothing;
        the proxy decides on saving and on the cookie, as Django's process_response would."""
        # Every response says which Django and settings.py the proxy is in front of (cheap to
        # build; the proxy reads it only when it changes).
        response[APP_HEADER] = app_report()
        session = getattr(request, 'session', None)
        if not isinstance(session, SessionStore):
            return response
        if session.accessed:
            patch_vary_headers(response, ('Cookie',))
        update = session.wire_update()
        if update is not None:
            response[UPDATE_HEADER] = self._encode(update, response)
        named = user_header(session.data_after())
        if named:
            response[USER_HEADER] = named
        return response

    @staticmethod
    def _encode(update, response):
        try:
            return encode_wire_update(update)
        except (TypeError, ValueError):
            # Django skips the save for error responses (refs #3881), so data it could not
            # serialise never fails them; the proxy will not save them either.
            if response.status_code >= 500 and 'data' in update:
                return encode_wire_update({k: v for k, v in update.items() if k != 'data'})
            raise
