"""Use cases of the field day, shared by the GUI and the CLI (docs/architecture.md).

Each write takes a SQLAlchemy ``Session`` and an ``Actor``, checks every rule that
decides what may be stored, writes its records and audit entries in the caller's
transaction, and returns a ``Written`` value: the record plus the ``Changes`` the GUI
broadcasts so each page refreshes itself. Read models (the dose form, a visit's day)
return plain dataclasses. Nothing here imports Qt.
"""
