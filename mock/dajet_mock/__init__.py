"""A stateful mock of the DaJet flow API: its core model, lifecycle and store."""

__all__: list[str] = []
