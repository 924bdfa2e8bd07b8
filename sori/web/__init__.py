"""Pieces the two front-ends (the public portal and the back office) share."""
