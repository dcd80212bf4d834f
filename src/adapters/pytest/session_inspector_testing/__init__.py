"""Session Inspector for Python test runners.

pytest: the ``inspector`` fixture (this package is a pytest plugin once installed).
Django's test runner: ``session_inspector_testing.django.SessionInspectorMixin``.
Anything else: ``start_inspector(upstream=...)`` returns an ``Inspector``; ``stop()`` it.
"""
from .inspector import Inspector, start_inspector
from .process import InspectorError, find_cli

__all__ = ['Inspector', 'InspectorError', 'find_cli', 'start_inspector']
