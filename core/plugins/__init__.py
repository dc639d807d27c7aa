"""The plugin API and the headless plugin host (see docs/plugins.md)."""
