"""The twin in the building-data standards other systems read.

One module per standard, each returning text or bytes (never touching the
file system; the CLI and the API write them):

- :mod:`twin.exchange.brick`: Brick (with RealEstateCore locations) as
  Turtle, the Brick class and QUDT unit vocabulary devices are checked
  against, SHACL validation;
- :mod:`twin.exchange.cobie`: a COBie 2.4 handover workbook (XLSX);
- :mod:`twin.exchange.bcf`: work orders as BCF 2.1 topics (zip), and back.

DXF floor plans live with the other plan exporters
(:mod:`twin.housing.plans.dxf`).
"""
