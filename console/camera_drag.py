"""A camera carried by drag and drop: from the map's camera layer onto a video tile.

One mime type, written by the drag source (`console.map_view.MapView`) and read by the
drop target (`console.video.tile.VideoTile`), so both ends agree on what a camera is.
"""

from __future__ import annotations

from PySide6.QtCore import QMimeData

CAMERA_MIME = "application/x-beacon-camera"


def camera_mime_data(camera_id: str) -> QMimeData:
    """Drag data naming one camera by id (also as plain text, for other programs)."""
    mime = QMimeData()
    mime.setData(CAMERA_MIME, camera_id.encode("utf-8"))
    mime.setText(camera_id)
    return mime


def camera_id_from(mime: QMimeData) -> str:
    """The camera a drag carries, or "" when it carries none."""
    if not mime.hasFormat(CAMERA_MIME):
        return ""
    return bytes(mime.data(CAMERA_MIME).data()).decode("utf-8", "replace").strip()
