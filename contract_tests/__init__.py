"""The contract suite of the DaJet flow API: pytest and Schemathesis on openapi.yaml."""
