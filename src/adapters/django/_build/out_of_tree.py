"""setuptools' build backend, run on a copy of this folder in a temporary directory.

setuptools writes build/ and session_inspector_django.egg-info/ into the folder it builds
from, so `pip install ./src/adapters/django` would leave them in the checkout. Here every
step of a regular (non-editable) build runs on a fresh copy of the sources, and only its
results (the wheel, the sdist, the metadata) are written where pip asks. Editable installs
point at the sources by nature and go to setuptools as they are.
"""
import os
import shutil
import tempfile

from setuptools import build_meta as _setuptools

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_SKIP = shutil.ignore_patterns("build", "dist", "*.egg-info", "__pycache__", "*.pyc")


def _in_copy(step, *args, **kwargs):
    """Runs a setuptools backend step with a copy of the sources as the working directory;
    output folders given by pip are made absolute first, as they may be relative to it."""
    args = tuple(os.path.abspath(a) if isinstance(a, str) else a for a in args)
    with tempfile.TemporaryDirectory(prefix="si-build-") as tmp:
        copy = os.path.join(tmp, "src")
        shutil.copytree(HERE, copy, ignore=_SKIP)
        cwd = os.getcwd()
        os.chdir(copy)
        try:
            return step(*args, **kwargs)
        finally:
            os.chdir(cwd)


def get_requires_for_build_wheel(config_settings=None):
    return _in_copy(_setuptools.get_requires_for_build_wheel, config_settings)


def get_requires_for_build_sdist(config_settings=None):
    return _in_copy(_setuptools.get_requires_for_build_sdist, config_settings)


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    return _in_copy(_setuptools.prepare_metadata_for_build_wheel, metadata_directory, config_settings)


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _in_copy(_setuptools.build_wheel, wheel_directory, config_settings, metadata_directory)


def build_sdist(sdist_directory, config_settings=None):
    return _in_copy(_setuptools.build_sdist, sdist_directory, config_settings)


# Editable installs (pip install -e) build from the sources themselves, where setuptools has them.
for _hook in ("get_requires_for_build_editable", "prepare_metadata_for_build_editable", "build_editable"):
    if hasattr(_setuptools, _hook):
        globals()[_hook] = getattr(_setuptools, _hook)
