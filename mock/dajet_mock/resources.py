"""Where the contract and the fixtures are found.

An installed wheel carries them inside the package, under ``data/``; a source
checkout (and an editable install) reads them from the repository root, so that an
edit of ``openapi.yaml`` takes effect without a reinstall.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_root() -> Path:
    """Return the folder that holds ``openapi.yaml`` and ``fixtures/``."""
    bundled = _PACKAGE / "data"
    if (bundled / "openapi.yaml").is_file():
        return bundled
    return _PACKAGE.parent.parent


def spec_path() -> Path:
    """Return the path of the flow API's OpenAPI document."""
    return data_root() / "openapi.yaml"


def fixture_path(name: str) -> Path:
    """Return the path of the fixture file ``name`` (such as ``seed.json``)."""
    return data_root() / "fixtures" / name
