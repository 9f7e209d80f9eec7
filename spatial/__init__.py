"""Geometry and graph: IFC-free building records, footprints, navigation.

This package is pure: numpy, shapely, trimesh and networkx only; no I/O, no
IFC, no HTTP, no storage.
"""
