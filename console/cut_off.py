"""Find text that does not fit its room: headers, cells, labels, buttons, tabs, titles.

Used by the cut-off test at each screen size and language, and usable by anyone checking
a new panel (`cut_off_texts(window)`); it reads only what is on screen.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QFontMetrics, QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDockWidget,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QStyle,
    QTabBar,
    QTreeView,
    QWidget,
)

# Room a style takes around a cell's or a header's text (Fusion: 2 x 4 px margins + frame).
CELL_PADDING = 8  # where Qt's item delegate starts to elide (2 x (focus margin + 1))
HEADER_PADDING = 12
SORT_INDICATOR = 14


@dataclass(frozen=True, slots=True)
class CutOff:
    """One text that needs `needed` px and has `room`."""

    where: str
    text: str
    needed: int
    room: int

    def __str__(self) -> str:
        return f"{self.where}: {self.text!r} needs {self.needed} px, has {self.room}"


def _name(widget: QWidget) -> str:
    names = []
    w: QWidget | None = widget
    while w is not None and len(names) < 3:
        names.append(w.objectName() or type(w).__name__)
        w = w.parentWidget()
    return "/".join(reversed(names))


def _shown(widget: QWidget) -> bool:
    return widget.isVisible() and widget.width() > 0 and not widget.visibleRegion().isEmpty()


def _headers(view: QAbstractItemView, out: list[CutOff]) -> None:
    header: QHeaderView = (view.header() if isinstance(view, QTreeView)  # type: ignore[assignment]
                           else view.horizontalHeader())
    if header is None or not header.isVisible():
        return
    model = view.model()
    fm = QFontMetrics(header.font())
    viewport = view.viewport().width()
    for section in range(header.count()):
        if header.isSectionHidden(section):
            continue
        left = header.sectionViewportPosition(section)
        if left >= viewport or left + header.sectionSize(section) <= 0:
            continue  # scrolled out of sight: not cut, just elsewhere
        text = str(model.headerData(section, Qt.Orientation.Horizontal) or "")
        needed = max(fm.horizontalAdvance(line) for line in text.split("\n")) + HEADER_PADDING
        if header.isSortIndicatorShown() and header.sortIndicatorSection() == section:
            needed += SORT_INDICATOR
        room = min(header.sectionSize(section), viewport - left)
        if needed > room:
            out.append(CutOff(f"{_name(view)} header", text, needed, room))


def _cells(view: QAbstractItemView, out: list[CutOff], rows: int, elided: set[int]) -> None:
    model = view.model()
    fm = QFontMetrics(view.font())
    viewport = view.viewport().width()
    header = view.header() if isinstance(view, QTreeView) else view.horizontalHeader()

    def walk(parent: QModelIndex, depth: int, budget: list[int]) -> None:
        for row in range(model.rowCount(parent)):
            if budget[0] <= 0:
                return
            budget[0] -= 1
            spanned = isinstance(view, QTreeView) and view.isFirstColumnSpanned(row, parent)
            for col in range(model.columnCount(parent)):
                if spanned and col == 0:
                    continue  # a group's title across the row: measured against the row
                if col in elided or header.isSectionHidden(col):
                    continue
                index = model.index(row, col, parent)
                rect = view.visualRect(index)
                if rect.isEmpty() or rect.left() >= viewport:
                    continue
                text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
                if not text:
                    continue
                font = index.data(Qt.ItemDataRole.FontRole)
                metrics = QFontMetrics(font) if font is not None else fm
                needed = metrics.horizontalAdvance(text) + CELL_PADDING
                if index.data(Qt.ItemDataRole.DecorationRole) is not None:
                    needed += view.iconSize().width() if view.iconSize().width() > 0 else 16
                room = min(rect.width(), viewport - rect.left())
                if needed > room and view.wordWrap():
                    # wrapped: it fits if the row is tall enough for its lines
                    box = metrics.boundingRect(0, 0, max(1, room - CELL_PADDING), 100000,
                                               int(Qt.TextFlag.TextWordWrap), text)
                    if box.width() <= room - CELL_PADDING + 1 and box.height() <= rect.height():
                        continue
                if needed > room:
                    out.append(CutOff(f"{_name(view)} column {col}", text, needed, room))
            if isinstance(view, QTreeView) and view.isExpanded(model.index(row, 0, parent)):
                walk(model.index(row, 0, parent), depth + 1, budget)

    walk(QModelIndex(), 0, [rows])


def _plain(text: str) -> str:
    if "<" in text and ">" in text:  # rich text: measure what it shows
        doc = QTextDocument()
        doc.setHtml(text)
        return doc.toPlainText()
    return text


def _without_mnemonic(text: str) -> str:
    """The text as shown: "&Caller" is "Caller", "报警人(&C)" is "报警人(C)"."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def cut_off_texts(root: QWidget, *, rows: int = 40,
                  elided_columns: dict[str, set[int]] | None = None) -> list[CutOff]:
    """Every visible text under `root` that is wider than its room.

    `elided_columns`: per item view objectName, columns whose long values are elided on
    purpose (a free-text address, with the whole of it in the tooltip).
    """
    elided_columns = elided_columns or {}
    out: list[CutOff] = []
    for view in root.findChildren(QAbstractItemView):
        if not _shown(view) or isinstance(view, QHeaderView) or view.model() is None:
            continue
        if view.objectName() in ("", "qt_scrollarea_viewport") or view.inherits("QListView"):
            continue  # combo popups and completers: not part of the panel
        _headers(view, out)
        _cells(view, out, rows, elided_columns.get(view.objectName(), set()))
    for label in root.findChildren(QLabel):
        if not _shown(label) or label.wordWrap() or not label.text():
            continue
        text = _plain(label.text())
        if label.buddy() is not None or label.textFormat() != Qt.TextFormat.PlainText:
            text = _without_mnemonic(text)
        if "\n" in text:
            continue
        needed = QFontMetrics(label.font()).horizontalAdvance(text)
        room = label.contentsRect().width() - 2 * label.margin() - label.indent() * 0
        if needed > room + 1:
            out.append(CutOff(_name(label), text, needed, room))
    for button in root.findChildren(QAbstractButton):
        if not _shown(button) or not button.text():
            continue
        text = _without_mnemonic(button.text())
        needed = QFontMetrics(button.font()).horizontalAdvance(text)
        if isinstance(button, QPushButton):
            needed += 2 * button.style().pixelMetric(QStyle.PixelMetric.PM_ButtonMargin)
        elif isinstance(button, (QCheckBox, QRadioButton)):
            needed += 22
        else:
            needed += 8
        if not button.icon().isNull():
            needed += button.iconSize().width() + 4
        if needed > button.width():
            out.append(CutOff(_name(button), text, needed, button.width()))
    for combo in root.findChildren(QComboBox):
        if not _shown(combo) or not combo.currentText() or combo.isEditable():
            continue
        needed = QFontMetrics(combo.font()).horizontalAdvance(combo.currentText()) + 26
        if needed > combo.width():
            out.append(CutOff(_name(combo), combo.currentText(), needed, combo.width()))
    for bar in root.findChildren(QTabBar):
        if not _shown(bar):
            continue
        fm = QFontMetrics(bar.font())
        for k in range(bar.count()):
            text = bar.tabText(k).replace("&", "")
            needed = fm.horizontalAdvance(text) + 12
            room = bar.tabRect(k).width()
            if room and needed > room:
                out.append(CutOff(f"{_name(bar)} tab", text, needed, room))
    for dock in root.findChildren(QDockWidget):
        if not _shown(dock) or dock.isFloating():
            continue
        needed = QFontMetrics(dock.font()).horizontalAdvance(dock.windowTitle()) + 50
        if needed > dock.width():
            out.append(CutOff(f"{_name(dock)} title", dock.windowTitle(), needed, dock.width()))
    return out
