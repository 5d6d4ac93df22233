"""Users, roles, vetting and two-factor sign-in."""
