"""HTTP shapes of the twin's answers: one pydantic model per domain record.

The domain (``twin``) returns frozen dataclasses; each schema here reads them
by attribute (``from_attributes``), so a record exists once in the domain and
once as its HTTP schema, and the OpenAPI document (``api/openapi.json``,
exported by ``twin openapi``) is generated from these classes. Modules follow
the routers: buildings, spaces, routes, devices, alarms (and work orders),
usage, housing (allocations and compliance), keys, health; ``common`` holds
the base class and the problem details, ``media`` the media types of files.
"""
