"""Errors raised by the reference checks."""


class ReferenceDataError(ValueError):
    """A code or a reference table that does not follow its published standard."""
