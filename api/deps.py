"""Typed dependencies: the twin and its services, from the app's lifespan state."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from twin.access.keys import KeyStore
from twin.buildings.queries import BuildingQueries
from twin.buildings.uploads import UploadJobs
from twin.devices.hub import DeviceService
from twin.service import Twin
from twin.settings import Settings


def get_twin(request: Request) -> Twin:
    return request.app.state.twin


def get_devices(request: Request) -> DeviceService:
    return request.app.state.twin.devices


def get_queries(request: Request) -> BuildingQueries:
    return request.app.state.queries


def get_jobs(request: Request) -> UploadJobs:
    return request.app.state.jobs


def get_keys(request: Request) -> KeyStore:
    return request.app.state.keys


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.twin.settings


TwinDep = Annotated[Twin, Depends(get_twin)]
DevicesDep = Annotated[DeviceService, Depends(get_devices)]
QueriesDep = Annotated[BuildingQueries, Depends(get_queries)]
JobsDep = Annotated[UploadJobs, Depends(get_jobs)]
KeysDep = Annotated[KeyStore, Depends(get_keys)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
