"""Typed dependencies: the twin and its services, from the app's lifespan state."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from twin.devices.service import DeviceService
from twin.service import Twin


def get_twin(request: Request) -> Twin:
    return request.app.state.twin


def get_devices(request: Request) -> DeviceService:
    return request.app.state.twin.devices


TwinDep = Annotated[Twin, Depends(get_twin)]
DevicesDep = Annotated[DeviceService, Depends(get_devices)]
