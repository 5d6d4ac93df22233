"""Case reviews: serious incidents, statutory clocks, evidence packs, sign-off, action plans, themes."""
