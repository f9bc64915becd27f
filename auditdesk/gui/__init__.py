"""The Qt GUI: the only package that imports PySide6. Thin: it calls services and shows results."""
