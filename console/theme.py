"""Light and dark themes: a Fusion palette plus the style sheet in resources/themes."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

THEMES_DIR = Path(__file__).resolve().parent.parent / "resources" / "themes"
THEMES = ("light", "dark")


def _palette(name: str) -> QPalette:
    palette = QPalette()
    if name == "dark":
        colours = {
            QPalette.ColorRole.Window: "#1f2328", QPalette.ColorRole.WindowText: "#e6e6e6",
            QPalette.ColorRole.Base: "#15181c", QPalette.ColorRole.AlternateBase: "#1c2026",
            QPalette.ColorRole.Text: "#e6e6e6", QPalette.ColorRole.Button: "#2b3036",
            QPalette.ColorRole.ButtonText: "#e6e6e6", QPalette.ColorRole.Highlight: "#2f6fb3",
            QPalette.ColorRole.HighlightedText: "#ffffff",
            QPalette.ColorRole.ToolTipBase: "#2b3036", QPalette.ColorRole.ToolTipText: "#e6e6e6",
            QPalette.ColorRole.PlaceholderText: "#8b949e",
        }
    else:
        colours = {
            QPalette.ColorRole.Window: "#f3f4f6", QPalette.ColorRole.WindowText: "#1b1f24",
            QPalette.ColorRole.Base: "#ffffff", QPalette.ColorRole.AlternateBase: "#f0f3f7",
            QPalette.ColorRole.Text: "#1b1f24", QPalette.ColorRole.Button: "#e7eaee",
            QPalette.ColorRole.ButtonText: "#1b1f24", QPalette.ColorRole.Highlight: "#2f6fb3",
            QPalette.ColorRole.HighlightedText: "#ffffff",
            QPalette.ColorRole.ToolTipBase: "#ffffdc", QPalette.ColorRole.ToolTipText: "#1b1f24",
            QPalette.ColorRole.PlaceholderText: "#6e7781",
        }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    return palette


def apply_theme(app: QApplication, name: str) -> str:
    """Apply theme `name` ("light" or "dark") to the whole application; returns it."""
    name = name if name in THEMES else "light"
    # Set the style once: replacing it deletes the old QStyle under every live widget
    # (a theme switch with panels busy crashed in a test run); the palette and the
    # style sheet are what a theme changes.
    if app.style().name().lower() != "fusion":
        style = QStyleFactory.create("Fusion")
        if style is not None:
            app.setStyle(style)
    common = (THEMES_DIR / "common.qss").read_text(encoding="utf-8")
    own = (THEMES_DIR / f"{name}.qss").read_text(encoding="utf-8")
    sheet = common + "\n" + own
    # The same theme again (the console sets it before its window, the window again as
    # it opens) changes nothing: setting a style sheet re-polishes every widget alive,
    # ~0.15 s with the whole console built.
    if app.property("beaconTheme") == name and app.styleSheet() == sheet:
        return name
    app.setPalette(_palette(name))
    app.setStyleSheet(sheet)
    app.setProperty("beaconTheme", name)
    return name
