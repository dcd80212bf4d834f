"""Program 5's SESSION_EXPIRE_AT_BROWSER_CLOSE: the session cookie lasts until the browser
closes (unless a view calls set_expiry() with a number of seconds)."""
from .settings import *  # noqa: F401,F403

SESSION_EXPIRE_AT_BROWSER_CLOSE = True  # even if the browser closes the session is expired
