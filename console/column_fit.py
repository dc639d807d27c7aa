"""Columns as wide as their header and their values need, in the current language.

Qt's own `ResizeToContents` measures the rows again on every layout change (with 10,000
incidents that is a stall each second); `ColumnFitter` measures once after the model
resets, rows arrive, the view is resized or the language changes (debounced), over a
bounded sample of rows, and also fits a sample text per column (a timer's widest value,
"88:88:88") so values that grow later still fit.

One column stretches over what is left (free text, elided past its room with the whole
of it in the tooltip). When the panel is too narrow for every column and the stretching
one's minimum, the `optional` columns are hidden, in the order given, rather than cut
off; they come back when the panel is widened.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QTreeView

HEADER_PADDING = 14  # the style's margins around a header's text, and a little air
SORT_INDICATOR = 14
CELL_PADDING = 12
SAMPLE_ROWS = 200  # rows measured per fit: enough to see every kind of value


class ColumnFitter(QObject):
    """Keeps the columns of `view` fitted; the `stretch` column takes what is left.

    `samples`: per column, a text its values can grow to. `stretch_min`: the least the
    stretching column keeps. `optional`: columns hidden first, in order, when the
    view is too narrow.
    """

    def __init__(self, view: QAbstractItemView, *, stretch: int,
                 stretch_min: int = 120, samples: dict[int, str] | None = None,
                 optional: Sequence[int] = ()) -> None:
        super().__init__(view)
        self._view = view
        self._stretch = stretch
        self._stretch_min = stretch_min
        self._samples = samples or {}
        self._optional = tuple(optional)
        self.hidden: tuple[int, ...] = ()  # optional columns hidden for want of room
        self._timer = QTimer(self, singleShot=True, interval=100)
        self._timer.timeout.connect(self.fit)
        self._rows_timer = QTimer(self, singleShot=True, interval=0)
        if isinstance(view, QTableView):
            self._rows_timer.timeout.connect(view.resizeRowsToContents)
        header = self.header
        header.setResizeContentsPrecision(SAMPLE_ROWS)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(24)
        model = view.model()
        for signal in (model.modelReset, model.rowsInserted, model.headerDataChanged,
                       model.layoutChanged):
            signal.connect(self.schedule)
        header.sortIndicatorChanged.connect(self.schedule)
        view.installEventFilter(self)
        view.viewport().installEventFilter(self)  # a scroll bar appearing narrows it
        if view.wordWrap() and isinstance(view, QTableView):
            # Wrapped text: rows grow to hold it whenever the columns change width.
            header.sectionResized.connect(self._schedule_rows)
        self.fit()

    @property
    def header(self) -> QHeaderView:
        """The view's horizontal header."""
        view = self._view
        return view.header() if isinstance(view, QTreeView) else view.horizontalHeader()

    def schedule(self, *_args: object) -> None:
        """Fit again soon (many changes in a row cost one fit)."""
        self._timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() in (QEvent.Type.LanguageChange, QEvent.Type.FontChange,
                            QEvent.Type.Show, QEvent.Type.Resize):
            self.schedule()
        return False

    def widths(self) -> dict[int, int]:
        """The width each column (but the stretching one) needs now, hidden or not."""
        view, header = self._view, self.header
        model = view.model()
        head = QFontMetrics(header.font())
        cell = QFontMetrics(view.font())
        out: dict[int, int] = {}
        for col in range(model.columnCount()):
            if col == self._stretch:
                continue
            text = str(model.headerData(col, header.orientation()) or "")
            width = max(head.horizontalAdvance(line) for line in text.split("\n"))
            width += HEADER_PADDING
            if header.isSortIndicatorShown() and header.sortIndicatorSection() == col:
                width += SORT_INDICATOR
            width = max(width, self._content_width(col) + 4)
            if col in self._samples:
                width = max(width, cell.horizontalAdvance(self._samples[col]) + CELL_PADDING)
            out[col] = width
        return out

    def _content_width(self, col: int) -> int:
        view, header = self._view, self.header
        if not header.isSectionHidden(col):
            return view.sizeHintForColumn(col)
        # Qt measures only shown columns: show it for the measure (no repaint between).
        header.setSectionHidden(col, False)
        try:
            return view.sizeHintForColumn(col)
        finally:
            header.setSectionHidden(col, True)

    def fit(self) -> None:
        """Set every column to the width it needs; hide optional ones that find no room."""
        header = self.header
        widths = self.widths()
        room = self._view.viewport().width()
        hidden: list[int] = []
        total = sum(widths.values()) + self._stretch_min
        for col in self._optional:
            if total <= room:
                break
            hidden.append(col)
            total -= widths.get(col, 0)
        for col, width in widths.items():
            header.setSectionHidden(col, col in hidden)
            if header.sectionSize(col) != width:
                header.resizeSection(col, width)
        self.hidden = tuple(hidden)
        self._schedule_rows()

    def _schedule_rows(self, *_args: object) -> None:
        if self._view.wordWrap() and isinstance(self._view, QTableView):
            self._rows_timer.start()
