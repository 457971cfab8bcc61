"""What the store refuses to do."""

from uuid import UUID

__all__ = ["DuplicateName", "TooManySessionsError", "UnknownPipeline"]


# The HTTP layer is written against these two names, hence no Error suffix.
class DuplicateName(Exception):  # noqa: N818
    """A pipeline of that name exists; names are unique, case-sensitively."""

    def __init__(self, name: str) -> None:
        super().__init__(f"a pipeline named {name!r} already exists")
        self.name = name


class UnknownPipeline(LookupError):  # noqa: N818
    """No pipeline record has that uuid."""

    def __init__(self, uuid: UUID) -> None:
        super().__init__(f"no pipeline has the uuid {uuid}")
        self.uuid = uuid


class TooManySessionsError(RuntimeError):
    """The session cap is reached; a new session name is refused."""
