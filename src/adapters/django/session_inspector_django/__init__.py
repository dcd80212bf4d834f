"""Session Inspector's Django adapter: put
``session_inspector_django.middleware.SessionMiddleware`` where
``django.contrib.sessions.middleware.SessionMiddleware`` was, and run the app behind
Session Inspector, which owns the session cookie, the store and the clock."""

__version__ = '0.1.0'
