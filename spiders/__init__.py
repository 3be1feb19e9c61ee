"""Spiders: find catalog pages and hand their text to the parsers; and a local site server for offline crawls."""
