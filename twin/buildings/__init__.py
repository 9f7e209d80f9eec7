"""Registered buildings: ingest of IFC files (with the on-disk cache), the registry
under ``TWIN_DATA_DIR``, model uploads with jobs, and the read-only queries
(rooms, elements, usage) that the CLI and the API share."""
