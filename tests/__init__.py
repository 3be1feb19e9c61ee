"""The catalog test suite."""
