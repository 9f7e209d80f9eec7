"""IFC in: the only package that imports ifcopenshell.

Reads IFC2X3, IFC4 and IFC4X3 files (and ``.ifczip``) into the IFC-free
records of :mod:`spatial.records`, converting units once, here.
"""
