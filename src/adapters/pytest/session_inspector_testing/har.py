"""A failed test's traffic, as a HAR file (Chrome DevTools imports it; each entry keeps the
session facts in `_session`)."""
import json
import os
import re


def save_har(inspector, test_id, folder):
    """Writes the inspector's traffic to FOLDER/<test id>.har; returns the path (None when it cannot be read)."""
    try:
        har = inspector.har()
    except Exception:
        return None  # the test failed; a second error here would hide why
    os.makedirs(folder, exist_ok=True)
    name = re.sub(r'[^A-Za-z0-9_.-]+', '_', test_id).strip('_')[:180] or 'test'
    path = os.path.abspath(os.path.join(folder, name + '.har'))
    with open(path, 'w', encoding='utf-8') as f:
        json.dump(har, f, indent=2)
    return path
