"""A stateful mock of the DaJet flow API, driven by its OpenAPI document."""
