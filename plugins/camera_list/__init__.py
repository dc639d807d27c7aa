"""Camera list: cameras from a CSV or TOML file, or an HTTP endpoint serving one (or
JSON), kept in sync with the camera registry. A camera the source adds is added, one it
changes is updated (credentials go to the secrets store, never the log), and one it no
longer lists is disabled. See docs/plugins.md."""

from plugins.camera_list.plugin import CameraList

__all__ = ["CameraList"]
