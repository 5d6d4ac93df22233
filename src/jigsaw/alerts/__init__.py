"""Alerts raised by the rules: stored once per open pattern, routed, and closed with a reason."""
