"""Resolved people and who is working with them: the signposting index."""
