"""The HTTP service (FastAPI): the only package that imports FastAPI."""
