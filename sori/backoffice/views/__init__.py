"""Back-office views, one module per feature; each is thin (a form, one service or selector call)."""
