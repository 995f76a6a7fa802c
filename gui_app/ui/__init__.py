"""Every PySide6 import of the app lives in this package (and in ``gui_app.app``)."""

from gui_app.ui.module_sources import read_without_caching

read_without_caching()  # before the app's own modules and the libraries they import
