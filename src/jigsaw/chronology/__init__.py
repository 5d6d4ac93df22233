"""Merged multi-agency chronologies of a child and household: build, household, export."""
