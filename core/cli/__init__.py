"""The `beacon` command line."""
