"""The application: settings, CLI, wiring and the channels."""
