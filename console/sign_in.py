"""Signing an operator in, for real operations (the demo signs its dispatcher in by
itself): every action the console records carries this operator's name."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from console.vocabulary import fill
from core.commands.operators import SignInLocked
from core.errors import ValidationError


class SignInDialog(QDialog):
    """User name and password; `sign_in(username, password)` decides (core checks)."""

    def __init__(self, sign_in: Callable[[str, str], object], username: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signInDialog")
        self._sign_in = sign_in
        self.username = QLineEdit(username, objectName="signInUser")
        self.password = QLineEdit(objectName="signInPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel(objectName="signInError")
        self.error.setProperty("severity", "error")
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        self._buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                         | QDialogButtonBox.StandardButton.Cancel, self)
        self._buttons.accepted.connect(self._on_accepted)
        self._buttons.rejected.connect(self.reject)
        self._form = QFormLayout()
        self._user_label, self._password_label = QLabel(), QLabel()
        self._user_label.setBuddy(self.username)
        self._password_label.setBuddy(self.password)
        self._form.addRow(self._user_label, self.username)
        self._form.addRow(self._password_label, self.password)
        layout = QVBoxLayout(self)
        layout.addLayout(self._form)
        layout.addWidget(self.error)
        layout.addWidget(self._buttons)
        (self.password if username else self.username).setFocus()
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        """Set the texts in the current language."""
        self.setWindowTitle(self.tr("Beacon: sign in"))
        self._user_label.setText(self.tr("&User name"))
        self._password_label.setText(self.tr("&Password"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def _on_accepted(self) -> None:
        try:
            self._sign_in(self.username.text().strip(), self.password.text())
        except SignInLocked as exc:
            self.error.setText(fill(self.tr("Too many failed sign-ins for this account: "
                                            "try again in %1 s."), str(exc.seconds)))
            self.error.setVisible(True)
            self.password.clear()
            return
        except ValidationError:
            self.error.setText(self.tr("Unknown user name or wrong password."))
            self.error.setVisible(True)
            self.password.clear()
            self.password.setFocus()
            return
        self.accept()
