"""`beacon console`: the operator's console.

Registered through the `beacon.commands` entry point; `python -m console` runs it from
a checkout without installing.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import socket
import sys
import time
from pathlib import Path

from core.errors import UserError

log = logging.getLogger(__name__)

DEMO_SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "demo_shift.toml"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `console` to the `beacon` command line."""
    from core.cli.common import add_db_argument

    parser = subparsers.add_parser(
        "console", help="open the operator's console",
        description="Open Beacon's console: incident queue, roster, call-taking, dispatch. "
                    "On an empty embedded database the demo is built first; on any "
                    "database that is not the demo, sign in with --user.")
    add_db_argument(parser)
    parser.add_argument("--hub", metavar="URL",
                        help="hub to keep this workstation in sync (e.g. ws://hub:8765); "
                             "the operator's token comes from BEACON_HUB_TOKEN (make one "
                             "with 'beacon hub token create', docs/protocol.md)")
    parser.add_argument("--lang", choices=("en", "zh_CN"),
                        help="language (default: settings, else the system locale)")
    parser.add_argument("--screenshot", metavar="PATH", type=Path,
                        help="start, wait until ready, save a PNG of the window, and quit")
    parser.add_argument("--small-city", action="store_true",
                        help="build the small demo city on a first run (faster, for tests)")
    parser.add_argument("--theme", choices=("light", "dark"), help="colour theme")
    parser.add_argument("--user", metavar="NAME",
                        help="sign in as this operator (asks for the password, or reads "
                             "BEACON_PASSWORD); without it the demo dispatcher is signed "
                             "in and the DEMO banner shows, on the demo database only: a "
                             "live or training database needs --user")
    parser.add_argument("--drill", metavar="SCENARIO", type=Path,
                        help="play a drill scenario (docs/scenarios.md) on the simulated "
                             "clock, on a temporary demo database unless --db names a "
                             "training or demo database (refused on a live one)")
    parser.add_argument("--paused", action="store_true",
                        help="with --drill: open the drill paused; the planner starts it "
                             "from the drill toolbar")
    parser.add_argument("--no-drill", action="store_true",
                        help="the demo without its drill: nothing happens unless you do it "
                             "(by default the demo plays scenarios/demo_shift.toml)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Open the centre behind a splash, show the main window, run until it closes."""
    started = time.perf_counter()
    from core.profile import DatabaseKind
    from core.settings import database_url, load_settings
    from core.store.database import default_url, parse_url

    url = database_url(args.db)
    if url is not None:
        parse_url(url)  # a bad --db is one line and exit 2, before any window opens
    # Only a database Beacon picks itself (the embedded default, a drill's temporary one)
    # becomes the demo when it is new; one the user names is never turned into a demo.
    new_kind = None if url is not None else DatabaseKind.DEMO
    scenario = None
    demo_drill = args.drill is None and not args.no_drill and not args.user
    if demo_drill:
        # The demo is a shift in progress: the demo drill plays on the demo's own database
        # (and only there: on any other database the demo is refused, see open_centre).
        args.drill = DEMO_SCENARIO
        url = url or default_url()
    if args.drill is not None:
        from console.drill_mode import check_scenario

        if not args.drill.is_file():
            raise UserError(f"no such scenario file: {args.drill}")
        scenario = check_scenario(args.drill)
    if args.screenshot is not None and not args.screenshot.parent.exists():
        raise UserError(f"cannot save the screenshot: folder {args.screenshot.parent} "
                        "does not exist")

    _check_display()
    from PySide6.QtCore import QCoreApplication, QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from console.i18n import LanguageSwitcher, choose_language
    from console.startup import CentreOpener, Splash, settle_heap
    from console.theme import apply_theme

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Beacon")
    app.setOrganizationName("Beacon")
    if args.screenshot is not None:
        # Scripts get the shipped layout at a fixed size, and leave the operator's alone.
        import tempfile

        scratch = tempfile.mkdtemp(prefix="beacon-shot-")
        settings = QSettings(f"{scratch}/console.ini", QSettings.Format.IniFormat)
    else:
        settings = QSettings("Beacon", "console")
    language = args.lang or load_settings().language or settings.value("console/language")
    switcher = LanguageSwitcher(app, app)
    switcher.switch(choose_language(language))
    if args.theme:
        settings.setValue("console/theme", args.theme)
    from console.gc_guard import collect_between_events

    collect_between_events(app)  # never in the middle of a style change (see gc_guard)
    apply_theme(app, str(settings.value("console/theme", "light")))

    # Between the splash, a sign-in dialog and the main window no window may be open for
    # a moment: that must not end the program.
    app.setQuitOnLastWindowClosed(False)
    splash = Splash()
    splash.show()
    outcome: dict[str, object] = {}

    def open_fn() -> object:
        from core.centre import open_centre

        if scenario is not None:
            from console.drill_mode import open_drill

            # The engine is built once the window is up (console.drill_driver.DrillStarter).
            setup = open_drill(scenario, url, args.small_city, socket.gethostname(),
                               demo_incidents=demo_drill, demo=not args.user,
                               new_kind=new_kind, engine=False)
            outcome["drill"] = setup
            return setup.centre
        if args.user:  # real operations: no demo, the operator signs in
            return open_centre(url, demo=False, workstation=socket.gethostname())
        # The demo without its drill: refused (one line, exit 2) unless it is the demo.
        return open_centre(url, city_scale="small" if args.small_city else "full",
                           workstation=socket.gethostname(), new_kind=new_kind)

    opener = CentreOpener(open_fn)

    def on_opened(centre: object) -> None:
        from console.bridge import EventBridge, Selection
        from console.main_window import MainWindow

        splash.close()
        if args.user:
            try:
                signed = _sign_in(centre, args.user)
            except UserError as exc:  # a slot must not raise: report it after the loop
                signed = False
                outcome["error"] = exc
            if not signed:
                outcome.setdefault("error", UserError(f"{args.user} did not sign in"))
                centre.close()  # type: ignore[attr-defined]
                app.quit()
                return
        selection = Selection(app)
        bridge = EventBridge(centre.service.bus, app)  # type: ignore[attr-defined]
        screen = app.primaryScreen().availableGeometry()
        hub = _hub_connection(args.hub, centre)
        window = MainWindow(centre, bridge, selection, settings, switcher,  # type: ignore[arg-type]
                            hub_url=args.hub,
                            size=(min(1920, screen.width()), min(1080, screen.height())),
                            hub=hub, defer_panels=True)
        if hub is not None:
            hub.start()
        outcome["window"] = window
        window.show()
        window.repaint()  # painted now: "ready" means on screen, queue, roster and map filled
        app.setQuitOnLastWindowClosed(True)
        ready = time.perf_counter() - started
        # One line on the terminal: scripts, the docs test and the benchmark wait for it.
        # The CPU time (every thread, from the process's start) is what a loaded machine
        # does not inflate: the benchmark prints it beside the wall time.
        print(f"console ready in {ready:.2f} s (CPU {time.process_time():.2f} s)",
              flush=True)
        if "drill" in outcome:
            # After the first paint: the drill's road network takes ~0.5 s to build.
            from console.drill_driver import DrillStarter

            starter = DrillStarter(outcome["drill"], window, run=not args.paused)

            def on_started(driver: object) -> None:
                driver.finished.connect(lambda: window.status.showMessage(  # type: ignore[attr-defined]
                    QCoreApplication.translate("MainWindow", "The drill is over."), 0))
                window.attach_drill(driver)  # after: its "report opened" message stays
                outcome["driver"] = driver

            starter.started.connect(on_started)
            starter.failed.connect(lambda reason: window.status.showMessage(
                QCoreApplication.translate("MainWindow", "The drill could not start: %1")
                .replace("%1", reason), 0))
            outcome["starter"] = starter
            QTimer.singleShot(0, starter.start)
        # The panels the first paint did without (the dashboard, those behind tabs).
        QTimer.singleShot(0, window.build_pending_panels)
        if args.screenshot is not None:
            QTimer.singleShot(0, lambda: _screenshot(window, args.screenshot, app))
        QTimer.singleShot(0, settle_heap)  # once the window has painted

    def on_failed(exc: object) -> None:
        outcome["error"] = exc
        splash.close()
        app.quit()

    opener.opened.connect(on_opened)
    opener.failed.connect(on_failed)
    opener.start()
    app.processEvents()  # the splash painted before the imports below
    _import_window_modules()
    code = app.exec()
    opener.wait()
    error = outcome.get("error")
    if isinstance(error, UserError):
        raise error
    if isinstance(error, BaseException):
        raise error
    starter = outcome.get("starter")
    if starter is not None:
        starter.wait()  # type: ignore[attr-defined]
        if starter.driver is not None:  # type: ignore[attr-defined]
            starter.driver.stop()  # type: ignore[attr-defined]
    window = outcome.get("window")
    if window is not None:
        window.centre.close()  # type: ignore[attr-defined]
    drill = outcome.get("drill")
    if drill is not None and drill.tmp is not None:  # type: ignore[attr-defined]
        drill.tmp.cleanup()  # type: ignore[attr-defined]
    return int(code)


def _check_display() -> None:
    """Refuse in one line where Qt would abort (exit 134, blaming xcb-cursor0): a Linux
    session with no display and no offscreen platform chosen."""
    import os

    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        raise UserError("no display: run it under a virtual one (xvfb-run -a beacon "
                        "console), or set QT_QPA_PLATFORM=offscreen")


def _hub_connection(url: str | None, centre):  # noqa: ANN001, ANN202
    """The hub link when `--hub` and a token (BEACON_HUB_TOKEN) are given, else None."""
    import os

    token = os.environ.get("BEACON_HUB_TOKEN")
    if not url or not token:
        return None
    from console.hub_link import HubConnection

    return HubConnection(url, token, centre.live, centre.service.bus.publish)


def _sign_in(centre, username: str) -> bool:  # noqa: ANN001
    """Sign `username` in: the password from BEACON_PASSWORD (scripts), else a dialog."""
    import os

    from console.sign_in import SignInDialog

    workstation = socket.gethostname()
    password = os.environ.get("BEACON_PASSWORD")
    if password is not None:
        centre.sign_in(username, password, workstation)  # refused: UserError, exit 2
        return True
    dialog = SignInDialog(lambda u, p: centre.sign_in(u, p, workstation), username)
    return dialog.exec() == SignInDialog.DialogCode.Accepted


def _import_window_modules() -> None:
    """Import what the main window's first paint needs while the centre opens.

    Opening the centre spends much of its time where Python lets another thread run (the
    sign-in's password hash, SQLite reading): importing the window's modules (Qt widgets,
    pyqtgraph, the map, the dashboard: ~0.5 s of CPU) meanwhile, instead of after, brings
    the window up that much sooner on a machine with two cores.
    """
    import importlib

    from console.main_window import DEFERRABLE, EXTERNAL_PANELS

    for name, (module, _cls) in EXTERNAL_PANELS.items():
        if name not in DEFERRABLE:
            importlib.import_module(module)


def _screenshot(window, path: Path, app) -> None:  # noqa: ANN001
    """Select the most urgent incident, wait for its recommendations, save, quit."""
    from PySide6.QtCore import QTimer

    window.finish_panels()  # every panel in the picture

    def save() -> None:
        window.grab().save(str(path), "PNG")
        window.close()
        app.quit()
        # After quitting: a reader that has gone (`| head -1`) must not keep us running.
        with contextlib.suppress(BrokenPipeError):
            print(f"screenshot saved to {path}", flush=True)

    done = {"saved": False}

    def once(*_args: object) -> None:
        if not done["saved"]:
            done["saved"] = True
            QTimer.singleShot(600, save)  # the panels fit their columns to the new rows

    window.dispatch.recommendationsReady.connect(once)
    window.queue.step(0)
    if not window.dispatch.incident_id:
        once()
    QTimer.singleShot(8000, once)  # never hang a script: save whatever is there
