#!/usr/bin/env python3
"""Runs the Django adapter's tests against the fixture project's settings, with the
adapter taken from the source tree: /usr/bin/python3 test/django/python/runtests.py
[test labels]. Exits non-zero when a test fails."""
import logging
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..', '..', '..'))
sys.path[:0] = [
    HERE,
    os.path.join(ROOT, 'src', 'adapters', 'django'),
    os.path.join(ROOT, 'test', 'fixtures', 'django_project'),
]
os.environ['SESSION_MIDDLEWARE'] = 'inspector'
os.environ['DJANGO_SETTINGS_MODULE'] = 'fixture_site.settings'
for name in list(os.environ):  # the fixture's settings read these; the tests set their own
    if name.startswith('SESSION_') and name != 'SESSION_MIDDLEWARE':
        del os.environ[name]


def main(labels):
    import django
    from django.conf import settings
    from django.test.utils import get_runner

    django.setup()
    # Views that raise on purpose would fill the output with tracebacks; tests that look
    # at these logs use assertLogs, which lowers the level while it listens.
    for name in ('django.request', 'django.security'):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    runner = get_runner(settings)(verbosity=2, top_level=HERE)
    failures = runner.run_tests(labels or ['test_wire', 'test_store', 'test_expiry', 'test_middleware',
                                           'test_auth', 'test_equivalence'])
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
