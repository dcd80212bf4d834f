"""The tutorial's page session: 20 seconds, renewed on every visit (student/views.py's
getsession sets session.modified = True)."""
from .settings import *  # noqa: F401,F403

SESSION_COOKIE_AGE = 20  # 20 seconds
