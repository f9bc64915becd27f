"""Word reports: the report view-model and the docxtpl renderer. Qt-free; never reads the database."""
