"""The instance runtime: compiled specs, stored workflow state, commands and read models."""
