"""The main window's tabs, each page inside a scroll area: on a 1024x600 screen a long page scrolls instead of
making the window taller than the screen. The pages themselves are what callers see (widget, indexOf, ...)."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QScrollArea, QTabWidget, QWidget


class _PageArea(QScrollArea):
    def __init__(self, page: QWidget) -> None:
        super().__init__()
        self.setObjectName(f"{page.objectName() or 'page'}Scroll")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidget(page)


class ScrollingTabs(QTabWidget):
    def addTab(self, page: QWidget, text: str) -> int:  # type: ignore[override]  # the one overload used here
        return super().addTab(_PageArea(page), text)

    def widget(self, index: int) -> QWidget | None:
        area = super().widget(index)
        return area.widget() if isinstance(area, _PageArea) else area

    def currentWidget(self) -> QWidget:
        page = self.widget(self.currentIndex())
        return page if page is not None else super().currentWidget()

    def indexOf(self, page: QWidget) -> int:
        return next((i for i in range(self.count()) if self.widget(i) is page), -1)

    def setCurrentWidget(self, page: QWidget) -> None:
        index = self.indexOf(page)
        if index >= 0:
            self.setCurrentIndex(index)
