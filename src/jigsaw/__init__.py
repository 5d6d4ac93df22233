"""Jigsaw: the multi-agency picture of a child, put together safely."""

__version__ = "0.1.0"
