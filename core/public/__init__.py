"""The public service (`beacon public`): what residents reach, apart from the hub."""
