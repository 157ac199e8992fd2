"""Loaders: turn outside data (and the built-in demo) into Kith records."""
