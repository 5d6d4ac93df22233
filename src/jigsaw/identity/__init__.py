"""Identity engine: plain-Python normalisation and matching of person records (no Django)."""
