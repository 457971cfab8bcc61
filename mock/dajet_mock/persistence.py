"""The state file: a store's records and timings, written so a crash loses nothing.

A store is attached with `StateFile.attach(store)`: the file then joins the
store's `on_change` listeners and is rewritten, inside the store's lock, after
every change of the records or the timings. Lifecycle steps are not saved: on
load, monitor entries are rebuilt by activation, as a real server does when it
restarts.
"""

import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

from dajet_mock.store import Store

__all__ = ["FORMAT", "VERSION", "StateFile", "StateFileError"]

logger = logging.getLogger(__name__)

FORMAT = "dajet-mock-state"
VERSION = 1


class StateFileError(Exception):
    """The state file cannot be read as ours, so it is neither used nor replaced."""


class StateFile:
    """A JSON file holding a store's snapshot, replaced atomically on each save."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        # Set once the file is known to be ours (or absent), so that a save
        # need not read it again before replacing it.
        self._checked = False

    def load(self) -> dict[str, Any] | None:
        """Return the saved document, None if there is no file; refuse foreign ones."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            self._checked = True
            return None
        except (OSError, UnicodeDecodeError) as error:
            raise StateFileError(
                f"cannot read state file {self.path}: {error}"
            ) from None

        doc = self._parse(text)
        self._checked = True
        return doc

    def _parse(self, text: str) -> dict[str, Any]:
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as error:
            raise StateFileError(
                f"state file {self.path} is not valid JSON ({error}); "
                "it is left as it is"
            ) from None

        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise StateFileError(
                f"{self.path} is not a {FORMAT} file; it is left as it is"
            )

        if doc.get("version") != VERSION:
            raise StateFileError(
                f"state file {self.path} has version {doc.get('version')!r}; "
                f"this mock reads version {VERSION}"
            )

        return doc

    def save(self, doc: dict[str, Any]) -> None:
        """Write a snapshot: the old file or the new one survives any crash."""
        if not self._checked:
            self.load()

        text = json.dumps({"format": FORMAT, "version": VERSION, **doc}, indent=2)
        temporary = self._write_temporary(text)
        try:
            os.replace(temporary, self.path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise

        self._sync_directory()
        logger.debug("saved state to %s", self.path)

    def _write_temporary(self, text: str) -> Path:
        # The temporary file sits beside the target so that os.replace is a
        # rename within one file system, which POSIX makes atomic.
        handle, name = tempfile.mkstemp(
            prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent
        )
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(text)
                file.flush()
                os.fsync(file.fileno())
        except BaseException:
            Path(name).unlink(missing_ok=True)
            raise

        return Path(name)

    def _sync_directory(self) -> None:
        # The rename itself lives in the directory; without this it may be lost
        # on power failure even though the file's data was synced.
        if os.name != "posix":
            return

        descriptor = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)

    def restore(self, store: Store) -> bool:
        """Load the saved snapshot into a store; False if there is no file."""
        doc = self.load()
        if doc is None:
            return False

        store.load_snapshot(doc)
        return True

    def attach(self, store: Store) -> None:
        """Save the store's snapshot after each change of its records or timings."""
        store.on_change.append(self._save_store)

    def _save_store(self, store: Store) -> None:
        self.save(store.snapshot())
