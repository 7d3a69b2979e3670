"""Frame sources for the scan page: the real camera, or images fed by tests.

The scan page only knows ``FrameSource``: it starts it and receives grayscale frames
(bytes, width, height). ``CameraFrameSource`` wraps QtMultimedia; ``ImageFrameSource``
replays images, which is how the tests drive the page on machines without a camera.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage


def to_gray(image: QImage) -> tuple[bytes, int, int]:
    gray = image.convertToFormat(QImage.Format.Format_Grayscale8)
    width, height, stride = gray.width(), gray.height(), gray.bytesPerLine()
    raw = bytes(gray.constBits())
    if stride != width:
        raw = b"".join(raw[row * stride: row * stride + width] for row in range(height))
    return raw, width, height


class FrameSource(QObject):
    frame = Signal(bytes, int, int)

    def available(self) -> bool:
        return True

    def start(self) -> None:
        """Begin delivering frames."""

    def stop(self) -> None:
        """Stop delivering frames."""


class ImageFrameSource(FrameSource):
    """Delivers given images as frames when ``push`` is called (tests, file replays)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.running = False

    def start(self) -> None:
        self.running = True

    def stop(self) -> None:
        self.running = False

    def push(self, image: QImage) -> None:
        if self.running:
            self.frame.emit(*to_gray(image))


class CameraFrameSource(FrameSource):
    """The first camera via QtMultimedia; frames arrive from a QVideoSink."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._devices: list[Any] | None = None  # looked up when the scan page first asks
        self._camera: object | None = None
        self._session: object | None = None
        self._sink: object | None = None

    def _inputs(self) -> list[Any]:
        """The cameras, or none when QtMultimedia or its system libraries are missing.

        QtMultimedia is imported here, not at start-up: on a machine without libpulse the
        import fails, and the app must still start and scan with the hand scanner.
        """
        if self._devices is None:
            try:
                from PySide6.QtMultimedia import QMediaDevices

                self._devices = list(QMediaDevices.videoInputs())
            except (ImportError, OSError):
                self._devices = []
        return self._devices

    def available(self) -> bool:
        return bool(self._inputs())

    def start(self) -> None:
        if not self._inputs() or self._camera is not None:
            return
        assert self._devices is not None
        from PySide6.QtMultimedia import QCamera, QMediaCaptureSession, QVideoSink

        camera = QCamera(self._devices[0], self)
        session = QMediaCaptureSession(self)
        sink = QVideoSink(self)
        session.setCamera(camera)
        session.setVideoSink(sink)
        sink.videoFrameChanged.connect(self._on_frame)
        camera.start()
        self._camera, self._session, self._sink = camera, session, sink

    def stop(self) -> None:
        if self._camera is not None:
            self._camera.stop()  # type: ignore[attr-defined]
            self._camera = self._session = self._sink = None

    def _on_frame(self, video_frame: object) -> None:
        image = video_frame.toImage()  # type: ignore[attr-defined]
        if not image.isNull():
            self.frame.emit(*to_gray(image))
