"""API of the money module, one module per resource family (conventions: a package past ~400 lines)."""
