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

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QTreeView

HEADER_PADDING = 14  # the style's margins around a header's text, and a little air
SORT_INDICATOR = 14
CELL_PADDING = 12
SAMPLE_ROWS = 60  # rows measured per full fit: enough to see every kind of value
CHANGED_EVERY_MS = 250  # changed cells are measured together, at most this often


class ColumnFitter(QObject):
    """Keeps the columns of `view` fitted; the `stretch` column takes what is left.

    `samples`: per column, a text its values can grow to (or a function giving it in
    the current language); `fixed`: columns whose values never grow past their sample,
    not measured again when they change. `stretch_min`: the least the
    stretching column keeps. `optional`: columns hidden first, in order, when the
    view is too narrow.
    """

    def __init__(self, view: QAbstractItemView, *, stretch: int,
                 stretch_min: int = 120,
                 samples: dict[int, str | Callable[[], str]] | None = None,
                 optional: Sequence[int] = (), decorated: bool = False,
                 sample_rows: int = SAMPLE_ROWS, fixed: Sequence[int] = ()) -> None:
        super().__init__(view)
        # Columns whose values never outgrow their sample text (a clock time): a change
        # there needs no measuring (a thousand "Last report" times change each second).
        self._fixed = frozenset(fixed)
        self._sample_rows = sample_rows
        self._decorated = decorated  # whether cells carry icons or fonts of their own
        self._content: dict[int, int] = {}  # widest value per column, as last measured
        self._view = view
        self._stretch = stretch
        self._stretch_min = stretch_min
        self._samples = samples or {}
        self._optional = tuple(optional)
        self.hidden: tuple[int, ...] = ()  # optional columns hidden for want of room
        self._timer = QTimer(self, singleShot=True, interval=100)
        self._timer.timeout.connect(self.fit)
        # Cells changed since the last measure: a thousand position reports a second
        # change a thousand roster cells; each is measured once per round, not at once.
        self._changed: dict[QPersistentModelIndex, set[int]] = {}
        self._changed_timer = QTimer(self, singleShot=True, interval=CHANGED_EVERY_MS)
        self._changed_timer.timeout.connect(self._measure_changed)
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
        for signal in (model.modelReset, model.headerDataChanged):
            signal.connect(self.schedule)
        # New rows are measured alone: a new call must not cost a walk of the queue.
        model.rowsInserted.connect(self._on_rows_inserted)
        # A changed row (a status, the units sent) is measured alone too; the timers'
        # once-a-second change of every row is left to their sample text.
        model.dataChanged.connect(self._on_data_changed)
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
        self._content = {}
        self._timer.start()

    def _on_data_changed(self, top_left: QModelIndex, bottom_right: QModelIndex,
                         *_roles: object) -> None:
        if self._content and bottom_right.row() - top_left.row() < 4:
            columns = set(range(top_left.column(), bottom_right.column() + 1)) - self._fixed
            if not columns:
                return
            for row in range(top_left.row(), bottom_right.row() + 1):
                key = QPersistentModelIndex(top_left.sibling(row, 0))
                self._changed.setdefault(key, set()).update(columns)
            if not self._changed_timer.isActive():
                self._changed_timer.start()

    def _measure_changed(self) -> None:
        """Measure the cells changed since the last round (their rows' changed columns)."""
        changed, self._changed = self._changed, {}
        if not self._content:
            return  # a full fit is due anyway
        wider = False
        for index, columns in changed.items():
            if not index.isValid():
                continue  # the row went meanwhile
            row = index.row()
            measured = self._measure(QModelIndex(index.parent()), range(row, row + 1), 0,
                                     columns=columns, children=False)
            for col, width in measured.items():
                if width > self._content.get(col, 0):
                    self._content[col] = width
                    wider = True
        if wider:
            self._timer.start()

    def _on_rows_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        if not self._content or last - first >= self._sample_rows:
            self.schedule()
            return
        wider = False
        for col, width in self._measure(parent, range(first, last + 1), 0).items():
            if width > self._content.get(col, 0):
                self._content[col] = width
                wider = True
        if wider:
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
        content = self._content_widths()
        out: dict[int, int] = {}
        for col in range(model.columnCount()):
            if col == self._stretch:
                continue
            text = str(model.headerData(col, header.orientation()) or "")
            width = max(head.horizontalAdvance(line) for line in text.split("\n"))
            width += HEADER_PADDING
            if header.isSortIndicatorShown() and header.sortIndicatorSection() == col:
                width += SORT_INDICATOR
            width = max(width, content.get(col, 0))
            if col in self._samples:
                sample = self._samples[col]
                text = sample() if callable(sample) else sample
                width = max(width, cell.horizontalAdvance(text) + CELL_PADDING)
            out[col] = width
        return out

    def _content_widths(self) -> dict[int, int]:
        """The widest value of each column over the first `sample_rows` rows (tree rows
        depth first), measured here: Qt's `sizeHintForColumn` lays out every row of a
        10,000-row table (a third of a second) and only measures shown columns."""
        if not self._content:
            self._content = self._measure(QModelIndex(), None, 0, [self._sample_rows])
        return self._content

    def _measure(self, parent: QModelIndex, rows: range | None, depth: int,
                 budget: list[int] | None = None, *, columns: set[int] | None = None,
                 children: bool = True) -> dict[int, int]:
        view = self._view
        model = view.model()
        fm = QFontMetrics(view.font())
        indent = view.indentation() if isinstance(view, QTreeView) else 0
        icon = (view.iconSize().width() if view.iconSize().width() > 0 else 16) + 4
        widths: dict[int, int] = {}
        budget = budget if budget is not None else [len(rows or ())]
        seen: dict[str, int] = {}

        def walk(parent: QModelIndex, rows: range, depth: int) -> None:
            n_columns = model.columnCount(parent)
            tree = isinstance(view, QTreeView)
            for row in rows:
                if budget[0] <= 0:
                    return
                budget[0] -= 1
                first = model.index(row, 0, parent)
                if tree and view.isFirstColumnSpanned(row, parent):  # a group's title row
                    if model.hasChildren(first):
                        walk(first, range(model.rowCount(first)), depth + 1)
                    continue
                for col in range(n_columns):
                    if columns is not None and col not in columns:
                        continue
                    index = model.index(row, col, parent)
                    text = index.data(Qt.ItemDataRole.DisplayRole)
                    if text is None or text == "":
                        continue
                    text = str(text)
                    if self._decorated:
                        font = index.data(Qt.ItemDataRole.FontRole)
                        metrics = QFontMetrics(font) if font is not None else fm
                        width = metrics.horizontalAdvance(text) + CELL_PADDING
                        if index.data(Qt.ItemDataRole.DecorationRole) is not None:
                            width += icon
                    else:
                        width = seen.get(text) or seen.setdefault(
                            text, fm.horizontalAdvance(text) + CELL_PADDING)
                    if col == 0:
                        width += indent * (depth + 1)
                    if width > widths.get(col, 0):
                        widths[col] = width
                if children and tree and model.hasChildren(first):
                    walk(first, range(model.rowCount(first)), depth + 1)

        walk(parent, rows if rows is not None else range(model.rowCount(parent)), depth)
        return widths

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
