"""The access log: every search, view, export, alert action and override, append-only and hash-chained.

See ``docs/audit.md``. Write with :func:`jigsaw.audit.log.record`; read with :mod:`jigsaw.audit.queries`.
"""
