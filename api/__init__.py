"""The HTTP service (FastAPI): one router per domain under ``/api/v1``."""
