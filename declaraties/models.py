"""Declarations, payment orders and co-financing claims (issue 3)."""
