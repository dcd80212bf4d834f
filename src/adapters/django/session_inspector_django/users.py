"""Who the session belongs to, for Session Inspector's views (issue 20): the proxy sees the
session's ``_auth_user_id`` but not the app's user table, so the middleware names the user
in an ``X-Session-User`` response header (base64url JSON {id, username}), which the proxy
removes before the browser sees the response. Read-only: one query by primary key, its
answer kept for a few seconds, and nothing here touches request.user or the session's flags."""
import time

from .wire import encode_base64url_json

USER_HEADER = 'X-Session-User'
SESSION_KEY = '_auth_user_id'
_TTL = 10.0
_names = {}


def username_of(user_id):
    """The USERNAME_FIELD of the user with this primary key, or None (no such user, no auth app)."""
    now = time.monotonic()
    cached = _names.get(user_id)
    if cached and now - cached[1] < _TTL:
        return cached[0]
    try:
        from django.contrib.auth import get_user_model
        model = get_user_model()
        pk = model._meta.pk.to_python(user_id)
        name = model._default_manager.filter(pk=pk).values_list(model.USERNAME_FIELD, flat=True).first()
    except Exception:  # no auth app, a pk that does not parse, a database error: no header
        return None
    if len(_names) > 1000:
        _names.clear()
    _names[user_id] = (None if name is None else str(name), now)
    return _names[user_id][0]


def user_header(data):
    """The X-Session-User value for session data that holds a user, else None."""
    user_id = data.get(SESSION_KEY) if isinstance(data, dict) else None
    if user_id is None or user_id == '':
        return None
    name = username_of(str(user_id))
    if name is None:
        return None
    return encode_base64url_json({'id': str(user_id), 'username': name})
