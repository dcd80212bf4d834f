"""The adapter's errors, named in the style of django/contrib/sessions/exceptions.py."""
from django.core.exceptions import SuspiciousOperation

NO_HEADER_MESSAGE = 'no X-Session header: is Session Inspector in front of this app?'


class BadSessionHeader(SuspiciousOperation):
    """The X-Session header is not wire protocol v1. Django answers 400 and logs it on
    the django.security.BadSessionHeader channel; the request never gets an empty session
    in its place, since that would hide a broken or bypassed proxy."""
