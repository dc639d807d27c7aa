"""A screenshot of the video wall playing the demo's local streams around an incident.

Run: PYTHONPATH=. python benchmarks/screenshot_video.py [OUT.png] [--tiles 9]
(under Xvfb: xvfb-run -a -s "-screen 0 1920x1080x24" ...; or QT_QPA_PLATFORM=offscreen)

Nine demo cameras (`demo://` addresses, as the demo city's are) are placed around the
first open incident; the wall starts the local HTTP and RTSP streams, the incident is
selected, and once every tile is live the wall is saved as a PNG.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtWidgets import QApplication  # noqa: E402

from benchmarks.demo_centre import demo_centre  # noqa: E402
from console.bridge import EventBridge, Selection  # noqa: E402
from console.video.catalogue import WallCamera  # noqa: E402
from console.video_wall import VideoWall  # noqa: E402

NAMES = ("Renmin Rd / Station Sq", "East Gate junction", "Bus terminal north",
         "Riverside Rd 12", "Market St camera 3", "Central station hall",
         "Park Ave / 5th", "Bridge south end", "Hospital entrance")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", nargs="?", default="video_wall.png")
    parser.add_argument("--tiles", type=int, default=9)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv)
    centre = demo_centre("small")
    incident = next(iter(centre.live.state.open_incidents()))
    cameras = []
    for i, name in enumerate(NAMES[:args.tiles]):
        angle = i * 2.4
        radius = 60 + 110 * i
        cameras.append(WallCamera(f"DEMO-{i + 1:02d}", name,
                                  incident.x + radius * math.cos(angle),
                                  incident.y + radius * math.sin(angle),
                                  f"demo://DEMO-{i + 1:02d}"))
    selection = Selection()
    bridge = EventBridge(centre.service.bus)
    wall = VideoWall(centre, bridge, selection, None, cameras=cameras, layout=args.tiles)
    wall.resize(1600, 960)
    wall.show()
    selection.select_incident(incident.id)
    tiles = wall.visible_tiles()
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not all(t.frames_shown > 30 for t in tiles):
        app.processEvents()
        time.sleep(0.02)
    for _ in range(30):  # a second more: the age labels refresh
        app.processEvents()
        time.sleep(0.03)
    wall.grab().save(args.out)
    print(f"{args.out}: {sum(t.state == 'live' for t in tiles)} of {len(tiles)} tiles live")
    wall.shutdown()
    bridge.close()
    centre.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
